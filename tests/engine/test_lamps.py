"""QuickDial lamps, the echo lamp, presence and pickup in the engine (FakeBackend)."""

from __future__ import annotations

import asyncio

import pytest

from tuiphone.config.schema import QuickDialEntry
from tuiphone.engine.fake import FakeBackend
from tuiphone.engine.phone import Phone
from tuiphone.engine.pickup import extension, pickup_dial
from tuiphone.engine.setup import EngineSetup
from tuiphone.model.account import AccountConfig, Features
from tuiphone.model.call import CallState
from tuiphone.model.errors import NotFound, UsageError
from tuiphone.model.events import CallChanged, IncomingCall, LampChanged
from tuiphone.model.lamp import LampDirection, LampState

BOB = AccountConfig(id="bob", uri="sip:bob@127.0.0.1")
QUICKDIAL = (
    QuickDialEntry(label="Bob", uri="sip:bob@127.0.0.1", blf=True, pickup="*8{ext}"),
    QuickDialEntry(label="Nobody", uri="nobody", blf=True, presence=True),
    QuickDialEntry(label="Pres", uri="sip:bob@127.0.0.1", presence=True),
    QuickDialEntry(label="Plain", uri="sip:201@127.0.0.1"),
)


def alice(**features: bool) -> AccountConfig:
    return AccountConfig(id="alice", uri="sip:alice@127.0.0.1", features=Features(**features))


async def started(acc: AccountConfig, backend: FakeBackend | None = None) -> Phone:
    phone = Phone(EngineSetup(accounts=(acc, BOB), quickdial=QUICKDIAL), backend or FakeBackend())
    await phone.start()
    await asyncio.sleep(0)  # let queued backend events land
    return phone


async def next_event(sub, match, timeout_s: float = 5.0):
    async def scan():
        async for event in sub:
            if match(event):
                return event
        raise AssertionError("the phone stopped")

    return await asyncio.wait_for(scan(), timeout_s)


def lamp_is(uri, state):
    return lambda e: isinstance(e, LampChanged) and e.lamp.uri == uri and e.lamp.state is state


async def test_nothing_is_subscribed_unless_the_account_turns_it_on():
    backend = FakeBackend()
    phone = await started(alice(), backend)
    try:
        assert [(lamp.uri, lamp.state) for lamp in await phone.lamps()] == [
            ("echo", LampState.IDLE)
        ]
        assert backend.lamps.watched == {}
    finally:
        await phone.stop()


async def test_blf_only_subscribes_blf_entries():
    backend = FakeBackend()
    phone = await started(alice(blf=True), backend)
    try:
        assert backend.lamps.watched == {"alice": {"sip:bob@127.0.0.1", "sip:nobody@127.0.0.1"}}
        lamps = {lamp.uri: lamp for lamp in await phone.lamps()}
        assert lamps["sip:bob@127.0.0.1"].state is LampState.IDLE
        assert lamps["nobody"].state is LampState.FAILED  # keyed by the entry's own uri
        assert lamps["nobody"].code == 404
        assert "sip:201@127.0.0.1" not in lamps
    finally:
        await phone.stop()


async def test_a_lamp_follows_the_watched_accounts_calls():
    phone = await started(alice(blf=True))
    sub = phone.events()
    bob = "sip:bob@127.0.0.1"
    try:
        call = await phone.call("sip:bob@127.0.0.1", account_id="alice")
        ringing = (await next_event(sub, lamp_is(bob, LampState.RINGING))).lamp
        assert ringing.direction is LampDirection.RECIPIENT
        incoming = next(c for c in phone.state().calls if c.account_id == "bob")
        await phone.answer(incoming.id)
        busy = (await next_event(sub, lamp_is(bob, LampState.BUSY))).lamp
        assert "alice" in busy.remote
        await phone.hangup(call.id)
        await next_event(sub, lamp_is(bob, LampState.IDLE))
    finally:
        await phone.stop()


async def test_the_echo_line_has_a_lamp():
    phone = await started(alice())
    sub = phone.events()
    try:
        call = await phone.call("echo")
        await next_event(sub, lamp_is("echo", LampState.BUSY))
        await phone.hangup(call.id)
        await next_event(sub, lamp_is("echo", LampState.IDLE))
    finally:
        await phone.stop()


async def test_presence_needs_the_feature():
    phone = await started(alice())
    try:
        with pytest.raises(UsageError, match="features.presence"):
            await phone.set_presence("away")
    finally:
        await phone.stop()


async def test_on_the_phone_while_a_call_is_connected_then_back():
    backend = FakeBackend()
    phone = await started(alice(presence=True), backend)
    me = "sip:alice@127.0.0.1"
    await backend.subscribe_lamps("bob", [me], blf=False, presence=True)
    sub = phone.events()
    try:
        await phone.set_presence("away", "lunch")
        await next_event(sub, lamp_is(me, LampState.AWAY))
        with pytest.raises(UsageError):
            await phone.set_presence("sleepy")
        call = await phone.call("sip:carol@example.com", account_id="alice")
        await next_event(sub, lamp_is(me, LampState.BUSY))
        await phone.hangup(call.id)
        await next_event(sub, lamp_is(me, LampState.AWAY))  # after the restore
        assert backend.lamps.published[-2:] == [
            ("alice", "busy", "On the phone"), ("alice", "away", "lunch")
        ]
    finally:
        await phone.stop()


async def test_dnd_is_not_overridden_by_a_call():
    backend = FakeBackend()
    phone = await started(alice(presence=True), backend)
    sub = phone.events()
    try:
        await phone.set_presence("dnd")
        call = await phone.call("sip:carol@example.com", account_id="alice")
        await next_event(sub, lambda e: isinstance(e, CallChanged)
                         and e.call.state is CallState.CONNECTED)
        await phone.hangup(call.id)
        await next_event(sub, lambda e: isinstance(e, CallChanged)
                         and e.call.state is CallState.ENDED)
        assert backend.lamps.published == [("alice", "dnd", "")]
    finally:
        await phone.stop()


async def test_pickup_dials_the_template():
    phone = await started(alice())
    sub = phone.events()
    try:
        call = await phone.pickup("bob")  # label, any case
        assert call.remote_uri == "sip:*8bob@127.0.0.1"
        await next_event(sub, lambda e: isinstance(e, IncomingCall | CallChanged))
        with pytest.raises(UsageError, match="no pickup template"):
            await phone.pickup("Plain")
        with pytest.raises(NotFound):
            await phone.pickup("sip:nobody-here@127.0.0.1")
    finally:
        await phone.stop()


def test_pickup_templates():
    entry = QuickDialEntry(label="x", uri="sip:201@pbx;user=phone", pickup="**")
    assert extension(entry.uri) == "201"
    assert pickup_dial(entry) == "**201"
    assert extension("201") == "201"
