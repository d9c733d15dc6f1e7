"""Blind and attended transfer between three accounts of one backend."""

from __future__ import annotations

import pytest

from tests.sip.conftest import Lab
from tests.sip.helpers import call_is
from tests.sip.test_call_features import connect
from tuiphone.model.call import CallState
from tuiphone.model.events import CallChanged, SipTrace, TransferStatus

pytestmark = pytest.mark.pjsua


@pytest.fixture
async def trio(pair: Lab) -> Lab:
    await pair.add("carol", auto_answer=True)
    return pair


def connected_between(lab: Lab, a: str, b: str) -> bool:
    """True when some call of account ``a`` to ``b``'s user is CONNECTED."""
    latest: dict[str, CallChanged] = {}
    for e in lab.events.of(CallChanged):
        latest[e.call.id] = e
    return any(
        e.call.account_id == a
        and f"sip:{b}@" in e.call.remote_uri
        and e.call.state is CallState.CONNECTED
        for e in latest.values()
    )


async def test_blind_transfer(trio: Lab) -> None:
    ev = trio.events
    alice_leg, bob_leg = await connect(trio, "alice", "bob")
    await trio.backend.transfer(bob_leg, trio.contacts["carol"])
    final = await ev.wait(lambda e: isinstance(e, TransferStatus) and e.final)
    assert final.call_id == bob_leg
    assert final.code == 200
    await ev.wait(call_is(bob_leg, CallState.ENDED))  # the transferor hangs up itself
    await ev.wait(lambda e: connected_between(trio, "alice", "carol"))
    codes = [e.code for e in ev.of(TransferStatus)]
    assert codes[0] < 200


async def test_attended_transfer_sends_refer_with_replaces(trio: Lab) -> None:
    """All three parties live in one process, and pjsua2 caps it at 4 call slots: the
    transferee's new leg would be the 5th, so it fails with PJ_ETOOMANY (a 500 NOTIFY).
    What we can check here is our side: REFER with Replaces and a final status."""
    ev = trio.events
    alice_leg, bob_leg = await connect(trio, "alice", "bob")
    since = len(ev.items)
    bob_to_carol = await trio.backend.make_call("bob", trio.contacts["carol"])
    await ev.wait(call_is(bob_to_carol, CallState.CONNECTED), since=since)
    await trio.backend.hold(bob_leg)
    await trio.backend.transfer_attended(bob_leg, bob_to_carol)
    final = await ev.wait(lambda e: isinstance(e, TransferStatus) and e.final)
    assert final.call_id == bob_leg
    refer = next(
        e.entry.text
        for e in ev.of(SipTrace)
        if e.entry.direction == "tx" and e.entry.first_line.startswith("REFER")
    )
    assert "Replaces=" in refer
    assert "sip:carol@127.0.0.1" in refer
