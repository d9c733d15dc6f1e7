"""Lamps and presence behave alike on the FakeBackend and the pjsua2 backend (direct-IP
accounts on loopback: bob's own UA answers alice's presence subscription)."""

from __future__ import annotations

import pytest

from tests.contract.test_backend_contract import world  # noqa: F401 - fixture
from tuiphone.model.errors import LimitExceeded, UsageError
from tuiphone.model.events import LampChanged
from tuiphone.model.lamp import LampState


def lamp_is(uri, state):
    return lambda e: isinstance(e, LampChanged) and e.lamp.uri == uri and e.lamp.state is state


async def test_a_bad_uri_gets_a_failed_lamp(world):  # noqa: F811
    await world.backend.subscribe_lamps("alice", ["not a uri"], blf=True, presence=False)
    await world.events.wait(lamp_is("not a uri", LampState.FAILED))


async def test_presence_of_a_peer_follows_what_it_publishes(world):  # noqa: F811
    bob = world.uris["bob"]
    await world.backend.subscribe_lamps("alice", [bob], blf=False, presence=True)
    await world.events.wait(lamp_is(bob, LampState.UNKNOWN))
    await world.backend.set_presence("bob", "available", "")  # pjsua starts offline
    await world.events.wait(lamp_is(bob, LampState.IDLE))
    await world.backend.set_presence("bob", "away", "lunch")
    away = (await world.events.wait(lamp_is(bob, LampState.AWAY))).lamp
    assert away.reason == "lunch"
    await world.backend.unsubscribe_lamps("alice", [bob])
    await world.backend.unsubscribe_lamps("alice", [bob])  # idempotent


async def test_an_unknown_presence_state_is_refused(world):  # noqa: F811
    with pytest.raises(UsageError):
        await world.backend.set_presence("alice", "sleepy", "")


async def test_the_buddy_cap_is_a_clear_limit(world):  # noqa: F811
    uris = [f"sip:u{i}@127.0.0.1:9" for i in range(241)]  # nobody listens on port 9
    with pytest.raises(LimitExceeded, match="240"):
        await world.backend.subscribe_lamps("alice", uris, blf=True, presence=False)
    await world.backend.unsubscribe_lamps("alice", uris)
