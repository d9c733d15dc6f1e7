"""Attended transfer against baresip: tuiphone (alice) calls carol, holds her, consults
dave, then REFERs carol to dave with Replaces. carol and dave end up talking to each
other (each hears the other's tone) and both of alice's calls end."""

from __future__ import annotations

import asyncio

import pjsua2  # noqa: F401 - a hard dependency: missing, the lab must fail, not skip
import pytest

from tests.lab.engine_harness import Watch, lab_account
from tests.lab.tones import dominant_freq, tail_samples
from tuiphone.model.account import RegState
from tuiphone.model.call import CallState
from tuiphone.model.events import SipTrace, TransferStatus

pytestmark = [pytest.mark.lab, pytest.mark.pjsua]


async def test_attended_transfer_connects_transferee_to_target(kamailio, baresip_factory,
                                                               phone_factory):
    carol = baresip_factory(kamailio.port, "carol", tone_hz=880)
    dave = baresip_factory(kamailio.port, "dave", tone_hz=440)
    phone = await phone_factory(lab_account(kamailio, "alice"))
    watch = Watch(phone)
    assert (await watch.settled(phone, "alice")).reg_state is RegState.REGISTERED
    to_carol = await phone.call("carol")
    await watch.call_state(to_carol.id, CallState.CONNECTED)
    await phone.hold(to_carol.id)
    to_dave = await phone.call("dave")
    await watch.call_state(to_dave.id, CallState.CONNECTED)

    await phone.transfer_attended(to_carol.id, to_dave.id)
    final = await watch.wait(lambda e: isinstance(e, TransferStatus) and e.final)
    assert final.code == 200, final
    await watch.call_state(to_carol.id, CallState.ENDED)
    await watch.call_state(to_dave.id, CallState.ENDED)
    refer = next(e.entry.text for e in watch.seen if isinstance(e, SipTrace)
                 and e.entry.direction == "tx" and e.entry.first_line.startswith("REFER"))
    assert "Replaces=" in refer
    # carol and dave talk: each hears the other's tone on its new call
    for who, peer, hears in ((carol, "dave", 440), (dave, "carol", 880)):
        await asyncio.to_thread(who.ctrl.wait, _established_with(peer), 20)
        await asyncio.to_thread(who.ctrl.wait_event, "CALL_CLOSED", 20)  # alice's call
        wav = await asyncio.to_thread(who.wait_for_audio, 2.0)
        assert abs(dominant_freq(tail_samples(wav, 0.5), 8000) - hears) < 25, who.user
    assert not phone.state().calls


def _established_with(user: str):  # type: ignore[no-untyped-def]
    return lambda m: m.get("type") == "CALL_ESTABLISHED" and f"sip:{user}@" in str(m)
