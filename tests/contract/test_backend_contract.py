"""One contract, two backends: the FakeBackend must behave like the pjsua2 one.

Every test runs against both; the pjsua2 run uses direct-IP accounts on loopback.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest

from tests.support.events import Recorder
from tuiphone.engine.fake import FakeBackend
from tuiphone.model.account import AccountConfig, DtmfMethod, RegState
from tuiphone.model.backend import BackendSettings, SipBackend
from tuiphone.model.call import CallState, Direction, MediaState
from tuiphone.model.errors import InvalidUri, LimitExceeded, NotFound
from tuiphone.model.events import (
    CallChanged,
    DtmfReceived,
    IncomingCall,
    MessageReceived,
    MessageStatus,
    RegistrationChanged,
)
from tuiphone.model.message import Delivery
from tuiphone.model.network import Hop, Route


def _make(kind: str) -> SipBackend:
    if kind == "fake":
        return FakeBackend()
    from tuiphone.sip import PjBackend

    return PjBackend()


@dataclass
class World:
    backend: SipBackend
    events: Recorder
    uris: dict[str, str]

    async def add(self, name: str) -> str:
        contact = await self.backend.add_account(
            AccountConfig(id=name, uri=f"sip:{name}@127.0.0.1"), None
        )
        hostport = re.search(r"@([^;>]+)", contact)
        assert hostport, f"add_account must return a contact URI, got {contact!r}"
        self.uris[name] = f"sip:{name}@{hostport.group(1)}"
        return contact

    def state_of(self, call_id: str, state: CallState):
        return lambda e: (
            isinstance(e, CallChanged) and e.call.id == call_id and e.call.state is state
        )


@pytest.fixture(params=["fake", "pjsua"])
async def world(request) -> AsyncIterator[World]:
    backend, events = _make(request.param), Recorder()
    await backend.start(BackendSettings(), events)
    try:
        w = World(backend, events, {})
        await w.add("alice")
        await w.add("bob")
        yield w
    finally:
        await backend.stop()


async def connected_pair(w: World) -> tuple[str, str]:
    out = await w.backend.make_call("alice", w.uris["bob"])
    inc = (await w.events.wait(lambda e: isinstance(e, IncomingCall))).call
    await w.backend.answer(inc.id, 200)
    await w.events.wait(w.state_of(out, CallState.CONNECTED))
    await w.events.wait(w.state_of(inc.id, CallState.CONNECTED))
    return out, inc.id


async def test_direct_accounts_report_no_registration(world: World):
    ev = await world.events.wait(
        lambda e: isinstance(e, RegistrationChanged) and e.account.id == "bob"
    )
    assert ev.account.reg_state is RegState.NONE


async def test_call_answer_hangup(world: World):
    out, inc = await connected_pair(world)
    incoming = next(e for e in world.events.events if isinstance(e, IncomingCall)).call
    assert incoming.direction is Direction.INCOMING
    assert incoming.account_id == "bob"
    assert "alice" in incoming.remote_uri
    await world.backend.hangup(out)
    ended = await world.events.wait(world.state_of(inc, CallState.ENDED))
    assert ended.call.ended is not None
    await world.events.wait(world.state_of(out, CallState.ENDED))


async def test_dtmf_reaches_the_other_side(world: World):
    out, inc = await connected_pair(world)
    await world.backend.send_dtmf(out, "1#", DtmfMethod.RFC4733)
    first = await world.events.wait(lambda e: isinstance(e, DtmfReceived) and e.call_id == inc)
    assert first.digit == "1"
    await world.events.wait(
        lambda e: isinstance(e, DtmfReceived) and e.call_id == inc and e.digit == "#"
    )


async def test_hold_and_resume_change_media_state(world: World):
    out, inc = await connected_pair(world)
    await world.backend.hold(out)
    await world.events.wait(
        lambda e: (
            isinstance(e, CallChanged)
            and e.call.id == out
            and e.call.media is MediaState.LOCAL_HOLD
        )
    )
    await world.events.wait(
        lambda e: (
            isinstance(e, CallChanged)
            and e.call.id == inc
            and e.call.media is MediaState.REMOTE_HOLD
        )
    )
    await world.backend.resume(out)
    await world.events.wait(
        lambda e: (
            isinstance(e, CallChanged)
            and e.call.id == inc
            and e.call.media is MediaState.ACTIVE
            and e.call.state is CallState.CONNECTED
            and any(
                isinstance(p, CallChanged) and p.call.media is MediaState.REMOTE_HOLD
                for p in world.events.events
            )
        )
    )


async def test_message_delivery_and_status(world: World):
    await world.backend.send_message("alice", world.uris["bob"], "héllo ☃", "text/plain", "m1")
    got = await world.events.wait(lambda e: isinstance(e, MessageReceived))
    assert got.message.body == "héllo ☃"
    assert got.message.account_id == "bob"
    status = await world.events.wait(lambda e: isinstance(e, MessageStatus))
    assert status.message.id == "m1"
    assert status.message.delivery is Delivery.SENT
    assert status.message.code == 200


async def test_oversize_message_refused_before_sending(world: World):
    with pytest.raises(LimitExceeded):
        await world.backend.send_message("alice", world.uris["bob"], "x" * 5000, "text/plain", "m2")


async def test_malformed_uri_is_refused(world: World):
    with pytest.raises(InvalidUri):
        await world.backend.make_call("alice", "sip:bad uri@")


async def test_unknown_call_is_not_found(world: World):
    with pytest.raises(NotFound):
        await world.backend.hangup("c999")


async def test_ping_other_account(world: World):
    result = await world.backend.ping("alice", world.uris["bob"], 5.0)
    assert result.code == 200
    assert result.rtt_ms >= 0


async def test_stats_of_connected_call(world: World):
    out, _ = await connected_pair(world)
    stats = await world.backend.call_stats(out)
    assert stats.codec


async def test_ninth_account_is_refused(world: World):
    for n in range(6):
        await world.add(f"u{n}")
    with pytest.raises(LimitExceeded):
        await world.add("ninth")


async def test_update_route_of_an_unknown_account_is_not_found(world: World) -> None:
    route = Route("udp", 4, "127.0.0.1", Hop("udp", "127.0.0.1", 5060, "127.0.0.1"))
    with pytest.raises(NotFound):
        await world.backend.update_route("nobody", route)


async def test_calls_work_after_a_route_change(world: World) -> None:
    hop = Hop("udp", "127.0.0.1", 5060, "127.0.0.1")
    await world.backend.update_route("alice", Route("udp", 4, "127.0.0.1", hop))
    out, inc = await connected_pair(world)
    await world.backend.hangup(out)
    await world.events.wait(world.state_of(inc, CallState.ENDED))
