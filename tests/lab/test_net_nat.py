"""The engine behind a masquerading NAT router: a provider-style far host (nathelper
and an rtpengine relay) with default settings; a bare far host, where audio needs
ICE; STUN; and what the one-way-audio check says when nothing helps.

The phone runs in the test process with the test's thread inside the home namespace
(``nat.home.entered()``) for the whole test: the pjsip thread, every socket the
engine opens and its route lookups are there, as in a phone behind a home router.
"""

from __future__ import annotations

import asyncio

import pjsua2  # noqa: F401 - a hard dependency: missing, the lab must fail, not skip
import pytest

from tests.lab.net_phone import (
    baresip_heard_the_phone,
    far_account,
    files_media,
    phone_heard_baresip,
    registered,
    two_way_rtp,
)
from tuiphone.model.account import RegState
from tuiphone.model.call import CallState
from tuiphone.model.events import IncomingCall, MediaProblem, RegistrationChanged
from tuiphone.model.network import NatConfig, TurnConfig

pytestmark = [pytest.mark.lab, pytest.mark.pjsua]
NAT_UDP_TIMEOUT_S = 20
IDLE_S = 30  # longer than the router keeps an idle UDP mapping


async def test_provider_relays_a_call_that_arrives_after_the_nat_timeout(
    netlab, kamailio_factory, baresip_factory, rtpengine_factory, phone_factory, tmp_path
):
    far = netlab.far()
    nat = netlab.nat(far)
    nat.router.set_udp_timeout(NAT_UDP_TIMEOUT_S)
    relay = rtpengine_factory(far)
    kam = kamailio_factory(host=far, nat=True, rtpengine=relay.ng_sock)
    carol = baresip_factory(None, "carol", host=far, registrar=(kam.host, kam.port))
    with nat.home.entered():  # every route lookup of the engine happens in home
        phone = await phone_factory(far_account(kam, "alice", register_expires=600),
                                    backend=files_media(tmp_path))
        watch = await registered(phone, "alice")
        public = nat.router.public_address
        # pjsua sees received/rport in the first 200 OK and registers again from there
        if public not in phone.state().accounts[0].contact:
            await watch.wait(lambda e: isinstance(e, RegistrationChanged)
                             and e.account.reg_state is RegState.REGISTERED
                             and public in e.account.contact)
        # Idle past the router's UDP timeout: only our keep-alives hold the mapping open
        # (the registration lasts 600 s, so no REGISTER refresh does it for us).
        await asyncio.sleep(IDLE_S)
        await asyncio.to_thread(carol.dial, kam.aor("alice"))
        incoming = await watch.wait(lambda e: isinstance(e, IncomingCall), timeout_s=15)
        await phone.answer(incoming.call.id)
        await watch.call_state(incoming.call.id, CallState.CONNECTED)
        await two_way_rtp(phone, incoming.call.id)
        await baresip_heard_the_phone(carol)
        await phone.hangup(incoming.call.id)
        await watch.call_state(incoming.call.id, CallState.ENDED)
        await phone.backend.sync()
        phone_heard_baresip(tmp_path / "rec")


async def test_provider_relays_an_outgoing_call(
    netlab, kamailio_factory, baresip_factory, rtpengine_factory, phone_factory, tmp_path
):
    far = netlab.far()
    nat = netlab.nat(far)
    relay = rtpengine_factory(far)
    kam = kamailio_factory(host=far, nat=True, rtpengine=relay.ng_sock)
    carol = baresip_factory(None, "carol", host=far, registrar=(kam.host, kam.port))
    with nat.home.entered():  # every route lookup of the engine happens in home
        phone = await phone_factory(far_account(kam, "alice"), backend=files_media(tmp_path))
        watch = await registered(phone, "alice")
        call = await phone.call(kam.aor("carol"))
        await watch.call_state(call.id, CallState.CONNECTED)
        await two_way_rtp(phone, call.id)
        await baresip_heard_the_phone(carol)
        await phone.hangup(call.id)
        await watch.call_state(call.id, CallState.ENDED)
        await phone.backend.sync()
        phone_heard_baresip(tmp_path / "rec")


async def test_ice_with_coturn_gets_audio_through_a_nat_without_relay(
    netlab, kamailio_factory, baresip_factory, coturn_factory, phone_factory, tmp_path
):
    far = netlab.far()
    nat = netlab.nat(far, firewall=True)  # drops unsolicited inbound, as home routers do
    turn = coturn_factory(far)
    kam = kamailio_factory(host=far)
    carol = baresip_factory(None, "carol", host=far, registrar=(kam.host, kam.port), ice=True,
                            stun=turn.stun_uri)
    settings = files_media(tmp_path, stun_servers=(f"{turn.address}:{turn.port}",))
    with nat.home.entered():  # every route lookup of the engine happens in home
        phone = await phone_factory(far_account(kam, "alice", nat=NatConfig(ice=True)),
                                    backend=settings)
        watch = await registered(phone, "alice")
        call = await phone.call(kam.aor("carol"))
        await watch.call_state(call.id, CallState.CONNECTED)
        await two_way_rtp(phone, call.id)
        await baresip_heard_the_phone(carol)
        await phone.hangup(call.id)


async def test_without_relay_or_ice_one_way_audio_is_named_nat(
    netlab, kamailio_factory, baresip_factory, phone_factory
):
    far = netlab.far()
    nat = netlab.nat(far)
    kam = kamailio_factory(host=far)
    carol = baresip_factory(None, "carol", host=far, registrar=(kam.host, kam.port))
    with nat.home.entered():  # every route lookup of the engine happens in home
        phone = await phone_factory(far_account(kam, "alice"))
        watch = await registered(phone, "alice")
        call = await phone.call(kam.aor("carol"))
        await watch.call_state(call.id, CallState.CONNECTED)
        problem = await watch.wait(lambda e: isinstance(e, MediaProblem), timeout_s=15)
        assert problem.call_id == call.id
        assert problem.tx_packets > 0
        assert problem.rx_packets == 0
        assert problem.cause == "NAT"
        assert "192.168.77.2" in problem.hint
        assert "relay" in problem.hint
        assert carol.proc is not None


async def test_stun_puts_the_public_address_in_the_sdp(
    netlab, kamailio_factory, baresip_factory, coturn_factory, phone_factory
):
    far = netlab.far()
    nat = netlab.nat(far)
    turn = coturn_factory(far)
    kam = kamailio_factory(host=far)
    baresip_factory(None, "carol", host=far, registrar=(kam.host, kam.port))
    settings = files_media_free(stun_servers=(f"{turn.address}:{turn.port}",))
    with nat.home.entered():  # every route lookup of the engine happens in home
        phone = await phone_factory(
            far_account(kam, "alice", nat=NatConfig(contact_rewrite=False)), backend=settings)
        watch = await registered(phone, "alice")
        call = await phone.call(kam.aor("carol"))
        await watch.call_state(call.id, CallState.CONNECTED)
        stats = await phone.call_stats(call.id)
        # contact_rewrite is off: only STUN can have told us the router's address
        assert stats.local_rtp.split(":")[0] == nat.router.public_address
        await phone.hangup(call.id)


def files_media_free(**settings):
    from tuiphone.model.backend import BackendSettings

    return BackendSettings(**settings)


async def test_ice_with_a_turn_relay(
    netlab, kamailio_factory, baresip_factory, coturn_factory, phone_factory, tmp_path
):
    far = netlab.far()
    nat = netlab.nat(far, firewall=True)
    turn = coturn_factory(far)
    kam = kamailio_factory(host=far)
    carol = baresip_factory(None, "carol", host=far, registrar=(kam.host, kam.port), ice=True,
                            stun=turn.stun_uri)
    relay = TurnConfig(server=f"{turn.address}:{turn.port}", username=turn.user)
    account = far_account(kam, "alice", nat=NatConfig(ice=True, turn=relay))
    with nat.home.entered():
        phone = await phone_factory(account, backend=files_media(tmp_path),
                                    passwords={"turn:alice": turn.password})
        watch = await registered(phone, "alice")
        call = await phone.call(kam.aor("carol"))
        await watch.call_state(call.id, CallState.CONNECTED)
        stats = await two_way_rtp(phone, call.id)
        await baresip_heard_the_phone(carol)
        await phone.hangup(call.id)
    # With a relay, ICE's default candidate (the SDP's c= line) is the TURN allocation.
    assert stats.local_rtp.rsplit(":", 1)[0] == turn.address
