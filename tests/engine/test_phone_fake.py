"""Phone against the FakeBackend: engine behaviour without SIP."""

from __future__ import annotations

import asyncio
import gc

import pytest

from tuiphone.engine.fake import FakeBackend
from tuiphone.engine.phone import Phone
from tuiphone.engine.setup import EngineSetup
from tuiphone.model.account import AccountConfig, RegState
from tuiphone.model.call import CallState, Direction
from tuiphone.model.errors import (
    BackendError,
    InvalidUri,
    LimitExceeded,
    NotFound,
    SipError,
    UsageError,
)
from tuiphone.model.events import (
    CallChanged,
    DtmfReceived,
    IncomingCall,
    MessageReceived,
    MessageStatus,
    Notice,
    RegistrationChanged,
)
from tuiphone.model.message import Delivery

ALICE = AccountConfig(id="alice", uri="sip:alice@127.0.0.1")
BOB = AccountConfig(id="bob", uri="sip:bob@127.0.0.1")
REG = AccountConfig(id="reg", uri="sip:carol@example.test", registrar="sip:example.test")


async def started(*accounts: AccountConfig, backend: FakeBackend | None = None, **kw) -> Phone:
    phone = Phone(EngineSetup(accounts=accounts, **kw), backend or FakeBackend())
    await phone.start()
    return phone


def call_state(call_id: str, state: CallState):
    return lambda ev: (
        isinstance(ev, CallChanged) and ev.call.id == call_id and ev.call.state is state
    )


async def test_embedded_start_has_direct_account_and_echo_line():
    phone = await started(ALICE)
    try:
        await asyncio.sleep(0)  # let queued backend events land
        state = phone.state()
        assert [a.id for a in state.accounts] == ["alice"]
        assert state.accounts[0].reg_state is RegState.NONE
        assert state.echo_uri is not None
        assert state.echo_uri.startswith("sip:echo@127.0.0.1")
        assert state.default_account == "alice"
    finally:
        await phone.stop()


async def test_register_success_and_state():
    phone = await started(REG)
    try:
        acc = await phone.register("reg", timeout_s=5)
        assert acc.reg_state is RegState.REGISTERED
        assert acc.code == 200
        assert phone.state().accounts[0].reg_state is RegState.REGISTERED
    finally:
        await phone.stop()


async def test_register_failure_raises_and_backs_off():
    backend = FakeBackend(register_failure={"reg": (403, "Forbidden")})
    phone = await started(REG, backend=backend, register_backoff_s=(0.05, 0.1))
    try:
        with pytest.raises(SipError) as err:
            await phone.register("reg", timeout_s=5)
        assert err.value.code == 403
        # The back-off retries by itself: another attempt follows without any command.
        retried = await phone.bus.wait(
            lambda ev: (
                isinstance(ev, RegistrationChanged) and ev.account.reg_state is RegState.FAILED
            ),
            timeout_s=5,
        )
        assert retried.account.code == 403
    finally:
        await phone.stop()


async def test_direct_account_cannot_register():
    phone = await started(ALICE)
    try:
        with pytest.raises(UsageError, match="no registrar"):
            await phone.register("alice")
        with pytest.raises(NotFound, match="known: alice"):
            await phone.register("nobody")
    finally:
        await phone.stop()


async def test_call_echo_connects_echoes_dtmf_and_lands_in_history():
    backend = FakeBackend()
    phone = await started(ALICE, backend=backend)
    try:
        events = phone.events()
        call = await phone.call("echo")
        assert call.direction is Direction.OUTGOING
        await phone.bus.wait(call_state(call.id, CallState.CONNECTED), 5)
        waiter = phone.bus.waiter(lambda ev: isinstance(ev, DtmfReceived) and ev.call_id == call.id)
        await phone.dtmf("5")
        assert (await asyncio.wait_for(waiter, 5)).digit == "5"
        assert backend.looped, "echo line did not loop audio back"
        seen_digits = []
        sub = phone.events()
        await phone.dtmf("9")
        async for ev in sub:
            if isinstance(ev, DtmfReceived):
                seen_digits.append(ev.call_id)
                if ev.call_id == call.id:
                    break
        assert seen_digits == [call.id], "the echo leg's own DTMF must stay internal"
        assert [c.id for c in phone.state().calls] == [call.id], "echo leg must stay hidden"
        await phone.hangup(call.id)
        await phone.bus.wait(call_state(call.id, CallState.ENDED), 5)
        history = await phone.history()
        assert history[0].call_id == call.id
        assert history[0].answered is not None
        seen = []
        async for ev in events:
            seen.append(ev)
            if isinstance(ev, CallChanged) and ev.call.state is CallState.ENDED:
                break
        assert all(
            getattr(getattr(e, "call", None), "account_id", "alice") == "alice" for e in seen
        )
    finally:
        await phone.stop()


async def test_incoming_call_answer_between_two_accounts():
    phone = await started(ALICE, BOB)
    try:
        incoming = phone.bus.waiter(lambda ev: isinstance(ev, IncomingCall))
        out = await phone.call("sip:bob@127.0.0.1", account_id="alice")
        inc = (await asyncio.wait_for(incoming, 5)).call
        assert inc.account_id == "bob"
        assert inc.state is CallState.INCOMING
        answered = await phone.answer(inc.id)
        assert answered.id == inc.id
        await phone.bus.wait(call_state(out.id, CallState.CONNECTED), 5)
        await phone.hold(out.id)
        await phone.resume(out.id)
        await phone.hangup_all()
        assert await phone.bus.wait(call_state(out.id, CallState.ENDED), 5)
    finally:
        await phone.stop()


async def test_busy_call_ends_with_cause_in_history():
    phone = await started(ALICE)
    try:
        call = await phone.call("sip:busy@example.test")
        ended = await phone.bus.wait(call_state(call.id, CallState.ENDED), 5)
        assert (ended.call.code, ended.call.reason) == (486, "Busy Here")
        history = await phone.history()
        assert history[0].code == 486
        assert history[0].answered is None
    finally:
        await phone.stop()


async def test_bad_input_is_refused_before_sending():
    backend = FakeBackend()
    phone = await started(ALICE, backend=backend)
    try:
        with pytest.raises(InvalidUri):
            await phone.call("sip:has space@x")
        with pytest.raises(UsageError, match="header"):
            await phone.call("echo", headers={"Bad Header": "x"})
        with pytest.raises(NotFound):
            await phone.hangup()
        assert backend.legs == {}
    finally:
        await phone.stop()


async def test_fifth_call_is_a_limit_error():
    phone = await started(ALICE)
    try:
        for _ in range(4):
            await phone.call("sip:noanswer@example.test")
        await asyncio.sleep(0)
        with pytest.raises(LimitExceeded, match="4 simultaneous"):
            await phone.call("sip:noanswer@example.test")
    finally:
        await phone.stop()


async def test_chat_with_echo_line_round_trip_and_persistence():
    phone = await started(ALICE)
    try:
        reply = phone.bus.waiter(lambda ev: isinstance(ev, MessageReceived))
        status = phone.bus.waiter(_settled)
        sent = await phone.send_message("echo", "hello")
        assert sent.delivery is Delivery.QUEUED
        assert (await asyncio.wait_for(status, 5)).message.delivery is Delivery.SENT
        got = (await asyncio.wait_for(reply, 5)).message
        assert got.body == "echo: hello"
        assert got.account_id == "alice"
        await asyncio.sleep(0)
        thread = await phone.messages()
        assert [m.body for m in thread] == ["hello", "echo: hello"]
        assert thread[0].delivery is Delivery.SENT
    finally:
        await phone.stop()


async def test_message_to_unknown_user_fails_with_code():
    phone = await started(ALICE)
    try:
        status = phone.bus.waiter(_settled)
        await phone.send_message("sip:nobody@example.test", "hi")
        msg = (await asyncio.wait_for(status, 5)).message
        assert (msg.delivery, msg.code) == (Delivery.FAILED, 404)
    finally:
        await phone.stop()


async def test_call_stats_carry_a_mos():
    phone = await started(ALICE)
    try:
        call = await phone.call("sip:someone@example.test")
        await phone.bus.wait(call_state(call.id, CallState.CONNECTED), 5)
        stats = await phone.call_stats(call.id)
        assert stats.codec == "PCMU"
        assert stats.mos is not None
        assert 4.0 < stats.mos <= 4.5
    finally:
        await phone.stop()


async def test_two_calls_make_the_implicit_choice_ambiguous():
    phone = await started(ALICE)
    try:
        a = await phone.call("sip:x@example.test")
        b = await phone.call("sip:y@example.test")
        await phone.bus.wait(call_state(b.id, CallState.CONNECTED), 5)
        with pytest.raises(UsageError, match="several calls"):
            await phone.hold()
        await phone.hold(a.id)
    finally:
        await phone.stop()


async def test_register_right_after_start_joins_the_pending_register():
    backend = FakeBackend()
    calls = []
    original = backend.set_registration

    async def counting(account_id, register):
        calls.append(register)
        await original(account_id, register)

    backend.set_registration = counting
    phone = await started(REG, backend=backend)
    try:
        acc = await phone.register("reg", timeout_s=5)
        assert acc.reg_state is RegState.REGISTERED
        assert calls == [], "a REGISTER in flight must be joined, not repeated"
    finally:
        await phone.stop()


async def test_password_lookup_runs_off_the_event_loop():
    import threading

    loop_thread = threading.current_thread()
    seen = []

    def password(account_id: str) -> str:
        seen.append(threading.current_thread())
        return "pw"

    phone = await started(REG, passwords=password)
    try:
        assert seen, "the registering account's password was never looked up"
        assert loop_thread not in seen, "a password_command must not block the loop"
    finally:
        await phone.stop()


async def test_unregister_after_a_failed_register_sends_nothing():
    backend = FakeBackend(register_failure={"reg": (403, "Forbidden")})
    phone = await started(REG, backend=backend, register_backoff_s=(60.0,))
    try:
        with pytest.raises(SipError):
            await phone.register("reg", timeout_s=5)
        seen: list[RegistrationChanged] = []
        phone.bus.waiter(lambda ev: isinstance(ev, RegistrationChanged) and bool(seen.append(ev)))
        state = await phone.unregister("reg")
        assert (state.reg_state, state.code) == (RegState.FAILED, 403)
        await asyncio.sleep(0.05)
        assert seen == []  # no REGISTER went out, so no REGISTERING either
    finally:
        await phone.stop()


class DtmfFails(FakeBackend):
    async def send_dtmf(self, call_id, digits, method):
        raise BackendError("sending DTMF on c1: Invalid operation")


async def test_failed_post_dial_digits_become_a_notice_not_an_asyncio_warning():
    loop = asyncio.get_running_loop()
    errors: list[dict] = []
    loop.set_exception_handler(lambda _loop, context: errors.append(context))
    phone = await started(ALICE, backend=DtmfFails())
    try:
        notice = phone.bus.waiter(lambda ev: isinstance(ev, Notice))
        call = await phone.call("sip:x@example.com,1")
        got = await asyncio.wait_for(notice, 10)
        assert got.level == "warning"
        assert "post-dial digits" in got.text
        assert "Invalid operation" in got.text
        await phone.hangup(call.id)
    finally:
        await phone.stop()
        loop.set_exception_handler(None)
    gc.collect()
    await asyncio.sleep(0)
    assert errors == []


def _settled(ev: object) -> bool:
    return isinstance(ev, MessageStatus) and not ev.message.delivery.pending
