"""The engine against servers on a far host (a network namespace over a veth), with
no [engine] settings: this host keeps eth0 as its default route, so it is multi-homed
like a laptop on a VPN, and only the veth address reaches the far host."""

from __future__ import annotations

import asyncio

import pjsua2  # noqa: F401 - a hard dependency: missing, the lab must fail, not skip
import pytest

from tests.lab.engine_harness import Watch, direct_account
from tests.lab.net_phone import (
    baresip_heard_the_phone,
    far_account,
    files_media,
    phone_heard_baresip,
    registered,
    two_way_rtp,
)
from tests.lab.sipwire import UdpSipClient, build_request, uri_host
from tuiphone.config.schema import QuickDialEntry
from tuiphone.model.account import Features
from tuiphone.model.call import CallState
from tuiphone.model.events import (
    DtmfReceived,
    IncomingCall,
    LampChanged,
    MessageReceived,
    MessageStatus,
)
from tuiphone.model.lamp import LampState

pytestmark = [pytest.mark.lab, pytest.mark.pjsua]


@pytest.fixture
def far(netlab):
    return netlab.far()


@pytest.fixture
def kam(far, kamailio_factory):
    return kamailio_factory(host=far, address=far.v4)


@pytest.fixture
def carol(far, kam, baresip_factory):
    """carol on baresip in the far host, registered, auto-answering with 880 Hz."""
    return baresip_factory(None, "carol", host=far, registrar=(kam.host, kam.port))


async def test_register_uses_the_address_that_reaches_the_far_host(netlab, far, kam,
                                                                    phone_factory):
    root_side = netlab.uplink(far).root_v4
    phone = await phone_factory(far_account(kam, "alice"))
    await registered(phone, "alice")
    (acc,) = phone.state().accounts
    assert f"@{root_side}:" in acc.contact
    (route,) = phone.state().routes
    assert route.local_address == root_side
    assert route.server == f"{kam.host}:{kam.port}/udp"
    assert f"src={root_side}:" in kam.log_text()


async def test_options_ping_reaches_the_far_host(far, kam, phone_factory):
    phone = await phone_factory(far_account(kam, "alice"))
    await registered(phone, "alice")
    result = await phone.ping(kam.registrar_uri)
    assert result.code == 200
    assert result.rtt_ms < 1000


async def test_call_baresip_with_two_way_audio(far, kam, carol, phone_factory, tmp_path):
    phone = await phone_factory(far_account(kam, "alice"), backend=files_media(tmp_path))
    watch = await registered(phone, "alice")
    call = await phone.call(kam.aor("carol"))
    await watch.call_state(call.id, CallState.CONNECTED)
    stats = await two_way_rtp(phone, call.id)
    assert stats.rx_lost == 0
    await baresip_heard_the_phone(carol)
    await phone.hangup(call.id)
    await watch.call_state(call.id, CallState.ENDED)
    await phone.backend.sync()  # the recorder is dropped with the call: its WAV is whole
    phone_heard_baresip(tmp_path / "rec")


async def test_called_by_baresip_with_two_way_audio(far, kam, carol, phone_factory, tmp_path):
    phone = await phone_factory(far_account(kam, "alice"), backend=files_media(tmp_path))
    watch = await registered(phone, "alice")
    await asyncio.to_thread(carol.dial, kam.aor("alice"))
    incoming = await watch.wait(lambda e: isinstance(e, IncomingCall))
    await phone.answer(incoming.call.id)
    await watch.call_state(incoming.call.id, CallState.CONNECTED)
    await two_way_rtp(phone, incoming.call.id)
    await baresip_heard_the_phone(carol)
    await phone.hangup(incoming.call.id)
    await watch.call_state(incoming.call.id, CallState.ENDED)
    await phone.backend.sync()
    phone_heard_baresip(tmp_path / "rec")


async def test_message_both_ways(far, kam, phone_factory):
    phone = await phone_factory(far_account(kam, "alice"))
    watch = await registered(phone, "alice")
    sent = await phone.send_message(kam.aor("dave"), "to a far user")
    status = await watch.wait(
        lambda e: isinstance(e, MessageStatus) and e.message.id == sent.id
        and not e.message.delivery.pending
    )
    assert status.message.code == 404  # dave is not registered: the far proxy says so
    # A far sender (no pjsua in it): a MESSAGE from inside the far host, via Kamailio.
    sock = far.socket()
    sock.bind((far.v4, 0))
    with UdpSipClient(sock=sock) as client:
        request = build_request(
            "MESSAGE", kam.aor("alice"), local_port=client.local_port,
            local_host=client.local_host, from_uri=kam.aor("guest"), body="hello from far",
            headers=[("Content-Type", "text/plain")],
        )
        reply = await asyncio.to_thread(client.final_response, request, kam.host, kam.port, 10)
    assert reply.code == 200
    received = await watch.wait(lambda e: isinstance(e, MessageReceived))
    assert received.message.body == "hello from far"
    assert "guest" in received.message.peer


async def test_blf_lamp_of_a_far_user(far, kam, carol, phone_factory):
    quickdial = (QuickDialEntry("Carol", kam.aor("carol"), blf=True),)
    phone = await phone_factory(
        far_account(kam, "alice", features=Features(blf=True)), quickdial=quickdial
    )
    watch = await registered(phone, "alice")
    lamp = lambda *states: lambda e: (  # noqa: E731
        isinstance(e, LampChanged) and e.lamp.uri == kam.aor("carol") and e.lamp.state in states
    )
    if not any(lp.state is LampState.IDLE for lp in await phone.lamps()):  # NOTIFY during start
        await watch.wait(lamp(LampState.IDLE))
    call = await phone.call(kam.aor("carol"))  # carol's dialog makes her lamp busy
    await watch.call_state(call.id, CallState.CONNECTED)
    await watch.wait(lamp(LampState.BUSY))
    await phone.hangup(call.id)
    await watch.wait(lamp(LampState.IDLE))


async def test_direct_call_to_far_baresip_without_any_account(netlab, far, baresip_factory,
                                                             phone_factory, tmp_path):
    """The trunk-test shape: a direct account dials an IP; the SDP carries our veth
    address (never eth0's), so audio comes back."""
    bob = baresip_factory(None, "bob", host=far)
    phone = await phone_factory(direct_account("tester"), backend=files_media(tmp_path))
    watch = Watch(phone)
    call = await phone.call(f"sip:bob@{uri_host(bob.address)}:{bob.sip_port}")
    await watch.call_state(call.id, CallState.CONNECTED)
    stats = await two_way_rtp(phone, call.id)
    assert stats.local_rtp.startswith(f"{netlab.uplink(far).root_v4}:")
    await baresip_heard_the_phone(bob)
    await phone.hangup(call.id)


async def test_echo_from_an_account_on_a_far_registrar(far, kam, phone_factory):
    """The built-in echo line lives on this host: a registrar elsewhere cannot reach it,
    so its INVITE leaves from the line's own direct account; the call stays alice's."""
    phone = await phone_factory(far_account(kam, "alice"), echo_line=True)
    watch = await registered(phone, "alice")
    call = await phone.call("echo", account_id="alice")
    connected = await watch.call_state(call.id, CallState.CONNECTED)
    assert connected.account_id == "alice"
    assert [c.id for c in phone.state().calls] == [call.id]  # the echo's own leg is hidden
    await phone.dtmf("5", call.id)
    echoed = await watch.wait(lambda e: isinstance(e, DtmfReceived) and e.call_id == call.id)
    assert echoed.digit == "5"
    await phone.hangup(call.id)
    await watch.call_state(call.id, CallState.ENDED)
    assert kam.count_requests("INVITE") == 0  # nothing went to the registrar
