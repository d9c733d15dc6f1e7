"""BLF pickup by Replaces (RFC 4235 + RFC 3891) through the lab Kamailio: alice calls
bob, a baresip that rings without answering; carol watches bob's lamp and picks up.
Her INVITE with Replaces goes to alice, who swaps her early dialog to bob for one with
carol and cancels bob's ringing. alice and carol live in one engine (one pjsua2
Endpoint per process); bob is the foreign UA that rings and stops."""

from __future__ import annotations

import pjsua2  # noqa: F401 - a hard dependency: missing, the lab must fail, not skip
import pytest

from tests.lab.engine_harness import Watch, lab_account
from tests.lab.test_blf_lab import BLF, entries, lamp_is, lamp_reaches
from tuiphone.model.account import Features, RegState
from tuiphone.model.call import CallState, Direction
from tuiphone.model.events import CallChanged, SipTrace
from tuiphone.model.lamp import LampState

pytestmark = [pytest.mark.lab, pytest.mark.pjsua]


async def test_pickup_by_replaces_takes_the_call_from_a_ringing_baresip(
        kamailio, baresip_factory, phone_factory):
    bob = baresip_factory(kamailio.port, "bob", auto_answer=False)
    accounts = (lab_account(kamailio, "carol", features=BLF),
                lab_account(kamailio, "alice", features=Features()))
    phone = await phone_factory(*accounts, quickdial=entries(kamailio, "bob", pickup="*8{ext}"))
    watch = Watch(phone)
    for acc in accounts:
        assert (await watch.settled(phone, acc.id)).reg_state is RegState.REGISTERED
    bob_uri = kamailio.aor("bob")
    await lamp_reaches(phone, watch, bob_uri, LampState.IDLE)

    ringing_call = await phone.call(bob_uri, account_id="alice")
    await bob.ctrl.await_event("CALL_INCOMING")
    lamp = (await watch.wait(lamp_is(bob_uri, LampState.RINGING))).lamp
    (dialog,) = lamp.dialogs
    assert dialog.call_id
    picked = await phone.pickup("bob")
    assert picked.account_id == "carol"
    await watch.call_state(picked.id, CallState.CONNECTED)
    await bob.ctrl.await_event("CALL_CLOSED")  # bob stopped ringing
    await watch.call_state(ringing_call.id, CallState.ENDED)
    replaced = next(e.call for e in watch.seen if isinstance(e, CallChanged)
                    and e.call.account_id == "alice" and e.call.direction is Direction.INCOMING)
    assert "carol" in replaced.remote_uri
    invite = next(e.entry.text for e in watch.seen if isinstance(e, SipTrace)
                  and e.entry.direction == "tx" and e.entry.first_line.startswith("INVITE ")
                  and "Replaces:" in e.entry.text)
    assert invite.startswith(f"INVITE sip:alice@{kamailio.domain}")
    assert f"Replaces: {dialog.call_id};to-tag={dialog.remote_tag};from-tag={dialog.local_tag}" \
        in invite
    await watch.wait(lamp_is(bob_uri, LampState.IDLE))


async def test_without_tags_in_the_lamp_the_feature_code_is_dialled(kamailio, phone_factory):
    """No BLF subscription, so no dialog-info: the entry's pickup code goes out."""
    phone = await phone_factory(lab_account(kamailio, "carol"),
                                quickdial=entries(kamailio, "bob", blf=False, pickup="*8{ext}"))
    watch = Watch(phone)
    assert (await watch.settled(phone, "carol")).reg_state is RegState.REGISTERED
    call = await phone.pickup("bob")
    await watch.call_state(call.id, CallState.ENDED)  # Kamailio knows no *8bob
    invite = next(e.entry.text for e in watch.seen if isinstance(e, SipTrace)
                  and e.entry.direction == "tx" and e.entry.first_line.startswith("INVITE "))
    assert invite.startswith(f"INVITE sip:*8bob@{kamailio.domain}")
    assert "Replaces:" not in invite
