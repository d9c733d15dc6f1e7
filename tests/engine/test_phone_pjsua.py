"""Phone over the real pjsua2 backend on loopback: the embedded default works end to end."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from tuiphone.engine.phone import Phone
from tuiphone.engine.setup import EngineSetup
from tuiphone.model.account import AccountConfig
from tuiphone.model.call import CallState
from tuiphone.model.events import CallChanged, DtmfReceived, IncomingCall, MessageReceived
from tuiphone.store import Store

pytestmark = pytest.mark.pjsua

LOCAL = AccountConfig(id="local", uri="sip:me@127.0.0.1")
OTHER = AccountConfig(id="other", uri="sip:other@127.0.0.1")


@pytest.fixture
async def phone(tmp_path) -> AsyncIterator[Phone]:
    from tuiphone.sip import PjBackend

    setup = EngineSetup(accounts=(LOCAL, OTHER), db_path=tmp_path / "t.db")
    p = Phone(setup, PjBackend())
    await p.start()
    try:
        yield p
    finally:
        await p.stop()


def reached(call_id: str, state: CallState):
    return lambda e: isinstance(e, CallChanged) and e.call.id == call_id and e.call.state is state


async def test_echo_line_answers_and_echoes_dtmf(phone: Phone, tmp_path):
    connected = phone.bus.waiter(
        lambda e: isinstance(e, CallChanged) and e.call.state is CallState.CONNECTED
    )
    call = await phone.call("echo")
    assert (await asyncio.wait_for(connected, 10)).call.id == call.id
    echoed = phone.bus.waiter(lambda e: isinstance(e, DtmfReceived) and e.call_id == call.id)
    await phone.dtmf("7")
    assert (await asyncio.wait_for(echoed, 10)).digit == "7"
    assert [c.id for c in phone.state().calls] == [call.id]
    ended = phone.bus.waiter(reached(call.id, CallState.ENDED))
    await phone.hangup(call.id)
    await asyncio.wait_for(ended, 10)
    rows = Store(str(tmp_path / "t.db")).history()
    assert rows[0].call_id == call.id
    assert rows[0].answered is not None


async def test_echo_line_replies_to_chat(phone: Phone):
    reply = phone.bus.waiter(lambda e: isinstance(e, MessageReceived))
    await phone.send_message("echo", "ping?")
    got = (await asyncio.wait_for(reply, 10)).message
    assert got.body == "echo: ping?"
    assert got.account_id == "local"


async def test_incoming_call_between_local_accounts(phone: Phone):
    ring = phone.bus.waiter(lambda e: isinstance(e, IncomingCall))
    uri = phone.state().echo_uri.replace("echo@", "other@")  # same transport
    out = await phone.call(uri, account_id="local")
    inc = (await asyncio.wait_for(ring, 10)).call
    assert inc.account_id == "other"
    connected = phone.bus.waiter(reached(out.id, CallState.CONNECTED))
    await phone.answer(inc.id)
    await asyncio.wait_for(connected, 10)
    stats = await phone.call_stats(out.id)
    assert stats.codec
    ended = phone.bus.waiter(reached(out.id, CallState.ENDED))
    await phone.hangup_all()
    await asyncio.wait_for(ended, 10)
