"""One load call on a real Phone over the fake SIP world: every way a call can go."""

from __future__ import annotations

import asyncio

import pytest

from tuiphone.engine.fake import FakeBackend
from tuiphone.engine.phone import Phone
from tuiphone.engine.setup import EngineSetup
from tuiphone.load.drive import place
from tuiphone.load.watch import CallWatch
from tuiphone.load.wire import CallOrder, Outcome
from tuiphone.model.account import AccountConfig

ACC = AccountConfig(id="a", uri="sip:a@127.0.0.1")


@pytest.fixture
async def phone():
    phone = Phone(EngineSetup(accounts=(ACC,), echo_line=False), FakeBackend())
    await phone.start()
    watch = CallWatch(phone)
    await watch.start()
    phone.watch = watch  # type: ignore[attr-defined]
    yield phone
    await watch.close()
    await phone.stop()


def order(uri: str, **kw) -> CallOrder:
    return CallOrder(**{"n": 1, "uri": uri, "account": None, "duration_s": 0.0,
                        "timeout_s": 10.0, **kw})


async def test_answered_call_has_times_and_rtp_figures(phone):
    states = []
    rec = await place(phone, phone.watch, order("sip:bob@192.0.2.1", duration_s=0.05), 3,
                      lambda n, s: states.append((n, s)))
    assert rec.outcome is Outcome.ANSWERED
    assert (rec.n, rec.worker, rec.account, rec.code) == (1, 3, "a", 200)
    assert rec.pdd_ms is not None
    assert rec.setup_ms is not None
    assert 0 <= rec.pdd_ms <= rec.setup_ms
    assert rec.duration_s >= 0.05
    assert rec.codec == "PCMU"
    assert rec.mos is not None
    assert states == [(1, "ringing"), (1, "connected")]
    assert phone.state().calls == ()  # hung up


async def test_refused_call_is_failed_with_its_code(phone):
    rec = await place(phone, phone.watch, order("sip:busy@192.0.2.1"), 0, lambda n, s: None)
    assert rec.outcome is Outcome.FAILED
    assert rec.cause == "486 Busy Here"
    assert rec.pdd_ms is not None  # to the final answer: no 18x came
    assert rec.setup_ms is None


async def test_unanswered_call_times_out_and_is_cancelled(phone):
    rec = await place(phone, phone.watch, order("sip:noanswer@192.0.2.1", timeout_s=0.1), 0,
                      lambda n, s: None)
    assert rec.outcome is Outcome.TIMEOUT
    assert rec.code == 487
    assert phone.state().calls == ()


async def test_stop_cancels_a_ringing_call_and_ends_a_connected_one(phone):
    seen: asyncio.Queue[str] = asyncio.Queue()

    def hook(n: int, state: str) -> None:
        seen.put_nowait(f"{n} {state}")

    ringing = asyncio.ensure_future(place(phone, phone.watch, order("sip:noanswer@h", n=1),
                                          0, hook))
    talking = asyncio.ensure_future(place(phone, phone.watch,
                                          order("sip:bob@h", n=2, duration_s=60), 0, hook))
    wanted = {"1 ringing", "2 connected"}
    async with asyncio.timeout(10):
        while wanted:
            wanted.discard(await seen.get())
    phone.watch.stop_all()
    first, second = await asyncio.wait_for(asyncio.gather(ringing, talking), 10)
    assert first.outcome is Outcome.CANCELLED
    assert second.outcome is Outcome.ANSWERED
    assert second.duration_s < 60
    # a call placed after the stop is hung up at once
    late = await place(phone, phone.watch, order("sip:bob@h", n=3, duration_s=60), 0, hook)
    assert late.outcome in (Outcome.ANSWERED, Outcome.CANCELLED)
    assert late.duration_s < 60


async def test_a_call_that_cannot_be_placed_is_an_error(phone):
    rec = await place(phone, phone.watch, order("not a uri", account="nobody"), 0,
                      lambda n, s: None)
    assert rec.outcome is Outcome.ERROR
    assert rec.account == "nobody"
    assert "nobody" in rec.reason


async def test_incoming_calls_are_refused(phone):
    from tuiphone.model.call import CallState
    from tuiphone.model.events import CallChanged

    # the fake world connects accounts of one backend: "b" calls our account "a"
    await phone.add_account(AccountConfig(id="b", uri="sip:b@127.0.0.1"))
    events = phone.events()
    try:
        call = await phone.call("sip:a@127.0.0.1", "b")
        async with asyncio.timeout(10):
            async for event in events:
                if (isinstance(event, CallChanged) and event.call.id == call.id
                        and event.call.state is CallState.ENDED):
                    break
        assert event.call.code == 486
    finally:
        await events.aclose()  # type: ignore[attr-defined]
