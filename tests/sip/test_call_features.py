"""DTMF, hold/resume, mute, redirect and call limits on loopback."""

from __future__ import annotations

import pytest

from tests.sip.conftest import Lab
from tests.sip.helpers import call_is
from tuiphone.model.account import DtmfMethod
from tuiphone.model.call import CallState, MediaState
from tuiphone.model.errors import InvalidUri, LimitExceeded, NotFound, UsageError
from tuiphone.model.events import CallChanged, DtmfReceived, IncomingCall, SipTrace

pytestmark = pytest.mark.pjsua


async def connect(lab: Lab, caller: str = "alice", callee: str = "bob") -> tuple[str, str]:
    """Place and answer a call; returns (caller's call id, callee's call id)."""
    since = len(lab.events.items)
    cid = await lab.backend.make_call(caller, lab.contacts[callee])
    inc = await lab.events.wait(
        lambda e: isinstance(e, IncomingCall) and e.call.account_id == callee, since=since
    )
    await lab.backend.answer(inc.call.id)
    await lab.events.wait(call_is(cid, CallState.CONNECTED), since=since)
    await lab.events.wait(
        lambda e: (
            isinstance(e, CallChanged) and e.call.id == cid and e.call.media is MediaState.ACTIVE
        ),
        since=since,
    )
    return cid, inc.call.id


def digits_for(lab: Lab, call_id: str) -> str:
    return "".join(e.digit for e in lab.events.of(DtmfReceived) if e.call_id == call_id)


@pytest.mark.parametrize("method", [DtmfMethod.RFC4733, DtmfMethod.INFO])
async def test_dtmf_both_ways(pair: Lab, method: DtmfMethod) -> None:
    a, b = await connect(pair)
    await pair.backend.send_dtmf(a, "12#", method)
    await pair.events.wait(
        lambda e: isinstance(e, DtmfReceived) and e.call_id == b and e.digit == "#"
    )
    await pair.backend.send_dtmf(b, "*9", method)
    await pair.events.wait(
        lambda e: isinstance(e, DtmfReceived) and e.call_id == a and e.digit == "9"
    )
    assert digits_for(pair, b).startswith("12#")
    assert digits_for(pair, a).startswith("*9")


async def test_bad_dtmf_digits(pair: Lab) -> None:
    a, _ = await connect(pair)
    with pytest.raises(UsageError):
        await pair.backend.send_dtmf(a, "12x", DtmfMethod.RFC4733)


async def test_hold_and_resume(pair: Lab) -> None:
    a, b = await connect(pair)

    def media_is(cid: str, media: MediaState):  # noqa: ANN202
        return lambda e: isinstance(e, CallChanged) and e.call.id == cid and e.call.media is media

    since = len(pair.events.items)
    await pair.backend.hold(a)
    await pair.events.wait(media_is(a, MediaState.LOCAL_HOLD), since=since)
    held = await pair.events.wait(media_is(b, MediaState.REMOTE_HOLD), since=since)
    assert held.call.on_hold
    since = len(pair.events.items)
    await pair.backend.resume(a)
    await pair.events.wait(media_is(a, MediaState.ACTIVE), since=since)
    await pair.events.wait(media_is(b, MediaState.ACTIVE), since=since)


async def test_mute_sets_flag(pair: Lab) -> None:
    a, _ = await connect(pair)
    await pair.backend.set_mute(a, True)
    ev = await pair.events.wait(
        lambda e: isinstance(e, CallChanged) and e.call.id == a and e.call.muted
    )
    assert ev.call.state is CallState.CONNECTED


async def test_redirect_answers_302(pair: Lab) -> None:
    cid = await pair.backend.make_call("alice", pair.contacts["bob"])
    inc = await pair.events.wait(lambda e: isinstance(e, IncomingCall))
    await pair.backend.redirect(inc.call.id, "sip:carol@127.0.0.1")
    await pair.events.wait(call_is(inc.call.id, CallState.ENDED))
    assert any(
        isinstance(e, SipTrace)
        and e.entry.direction == "tx"
        and e.entry.first_line.startswith("SIP/2.0 302")
        and "sip:carol@127.0.0.1" in e.entry.text
        for e in pair.events.items
    )
    ended = await pair.events.wait(call_is(cid, CallState.ENDED))
    assert ended.call.code == 302
    await pair.backend.sync()  # the ended call is dropped by now
    await pair.backend.hangup(cid)  # already ended: a no-op
    with pytest.raises(UsageError, match="ended"):
        await pair.backend.hold(cid)


async def test_fifth_call_is_refused(pair: Lab) -> None:
    for _ in range(4):
        await pair.backend.make_call("alice", "sip:nobody@127.0.0.1:9")
    with pytest.raises(LimitExceeded):
        await pair.backend.make_call("alice", "sip:nobody@127.0.0.1:9")


async def test_malformed_uri_sends_nothing(pair: Lab) -> None:
    for bad in ("bob", "sip:", "sip:bob@", "http://x", "sip:bo b@127.0.0.1"):
        with pytest.raises(InvalidUri):
            await pair.backend.make_call("alice", bad)
    assert not [
        e for e in pair.events.items if isinstance(e, SipTrace) and "INVITE" in e.entry.first_line
    ]


async def test_unknown_ids(pair: Lab) -> None:
    with pytest.raises(NotFound):
        await pair.backend.hangup("c999")
    with pytest.raises(NotFound):
        await pair.backend.make_call("nobody", pair.contacts["bob"])


async def test_bad_answer_and_hangup_codes(pair: Lab) -> None:
    a, _ = await connect(pair)
    with pytest.raises(UsageError):
        await pair.backend.answer(a, 999)
    with pytest.raises(UsageError):
        await pair.backend.hangup(a, 200)
    with pytest.raises(UsageError, match="outgoing"):
        await pair.backend.answer(a, 200)
