"""Calls between two accounts of one backend on loopback."""

from __future__ import annotations

import pytest

from tests.sip.conftest import Lab
from tests.sip.helpers import call_is
from tests.sip.test_call_features import connect
from tuiphone.model.account import AccountConfig, RegState
from tuiphone.model.call import CallState, Direction
from tuiphone.model.errors import UsageError
from tuiphone.model.events import IncomingCall, RegistrationChanged

pytestmark = pytest.mark.pjsua


async def test_direct_accounts_report_none(pair: Lab) -> None:
    regs = pair.events.of(RegistrationChanged)
    assert {r.account.id: r.account.reg_state for r in regs} == {
        "alice": RegState.NONE,
        "bob": RegState.NONE,
    }
    assert pair.contacts["bob"].startswith("sip:bob@127.0.0.1:")


async def test_call_states_both_sides(pair: Lab) -> None:
    ev = pair.events
    cid = await pair.backend.make_call("alice", pair.contacts["bob"], {"X-Test": "yes"})
    inc = await ev.wait(lambda e: isinstance(e, IncomingCall))
    assert inc.call.direction is Direction.INCOMING
    assert inc.call.account_id == "bob"
    assert inc.call.remote_uri.startswith("sip:alice@127.0.0.1")
    assert ("X-Test", "yes") in inc.call.headers
    await ev.wait(call_is(cid, CallState.RINGING))
    await pair.backend.answer(inc.call.id)
    connected = await ev.wait(call_is(cid, CallState.CONNECTED))
    assert connected.call.answered is not None
    assert connected.call.sip_call_id
    await pair.backend.hangup(cid)
    ended = await ev.wait(call_is(inc.call.id, CallState.ENDED))
    assert ended.call.ended is not None
    await ev.wait(call_is(cid, CallState.ENDED))
    assert ev.call_states(cid)[:2] == [CallState.CALLING, CallState.RINGING]
    assert ev.call_states(cid)[-2:] == [CallState.CONNECTED, CallState.ENDED]


async def test_header_injection_refused(pair: Lab) -> None:
    with pytest.raises(UsageError):
        await pair.backend.make_call("alice", pair.contacts["bob"], {"X-A": "1\r\nX-B: 2"})
    with pytest.raises(UsageError):
        await pair.backend.make_call("alice", pair.contacts["bob"], {"Bad Name": "1"})


async def test_codec_order_applies(lab: Lab) -> None:
    await lab.add("alice", codecs=("PCMU",))
    await lab.add("bob")
    a, _ = await connect(lab)
    stats = await lab.backend.call_stats(a)
    assert stats.codec == "PCMU"
    assert stats.clock_rate == 8000


async def test_codec_order_follows_each_call_when_it_is_set_only_on_change(lab: Lab) -> None:
    """The order is set again only when it changes: a second call with the same order,
    one with another, and then the first again each get their own codec."""
    await lab.add("alice", codecs=("PCMU",))
    await lab.add("carol", codecs=("PCMA",))
    await lab.add("bob", codecs=("PCMA", "PCMU"))
    for caller, codec in (("alice", "PCMU"), ("alice", "PCMU"), ("carol", "PCMA"),
                          ("alice", "PCMU")):
        a, b = await connect(lab, caller)
        assert (await lab.backend.call_stats(a)).codec == codec
        await lab.backend.hangup(a)
        await lab.events.wait(call_is(b, CallState.ENDED))


async def test_unknown_codec_refused(lab: Lab) -> None:
    with pytest.raises(UsageError, match="opus"):
        await lab.add("alice", codecs=("opus",))


async def test_name_addr_account_uri(lab: Lab) -> None:
    await lab.backend.add_account(AccountConfig(id="al", uri='"Alice A" <sip:al@127.0.0.1>'), None)
    bob = await lab.add("bob")
    await lab.backend.make_call("al", bob)
    inc = await lab.events.wait(lambda e: isinstance(e, IncomingCall))
    assert inc.call.remote_name == "Alice A"
    assert inc.call.remote_uri.startswith("sip:al@127.0.0.1")


async def test_incoming_call_event_comes_first(pair: Lab) -> None:
    await pair.backend.make_call("alice", pair.contacts["bob"])
    inc = await pair.events.wait(lambda e: isinstance(e, IncomingCall))
    first = next(
        e for e in pair.events.items if getattr(getattr(e, "call", None), "id", None) == inc.call.id
    )
    assert isinstance(first, IncomingCall)
