"""The engine (Phone over the pjsua2 backend) against the real lab: Kamailio with
digest auth, baresip as a foreign UA, SIPp as a trunk."""

from __future__ import annotations

import asyncio
from dataclasses import replace

import pjsua2  # noqa: F401 - a hard dependency: missing, the lab must fail, not skip
import pytest

import tuiphone.engine.phone  # noqa: F401 - the modules under test must import
import tuiphone.sip  # noqa: F401
from tests.lab import mwi
from tests.lab.engine_harness import (
    Watch,
    direct_account,
    eventually,
    lab_account,
)
from tests.lab.sipwire import UdpSipClient
from tests.lab.tones import dominant_freq, read_mono, rms, write_tone
from tuiphone.model.account import AccountConfig, Features, RegState, Transport
from tuiphone.model.backend import BackendSettings, MediaSettings
from tuiphone.model.call import CallState
from tuiphone.model.events import (
    IncomingCall,
    MessageReceived,
    MessageStatus,
    MwiChanged,
)
from tuiphone.model.message import Delivery
from tuiphone.model.trust import TrustConfig

pytestmark = [pytest.mark.lab, pytest.mark.pjsua]


async def registered_phone(kam, phone_factory, *users, **kwargs):
    """A started phone whose accounts registered on add (registerOnAdd)."""
    phone = await phone_factory(*(lab_account(kam, u, **kwargs) for u in users))
    watch = Watch(phone)
    for user in users:
        acc = await watch.settled(phone, user)
        assert acc.reg_state is RegState.REGISTERED, f"{user}: {acc.code} {acc.reason}"
    return phone


def message_status(msg_id):
    return lambda e: (
        isinstance(e, MessageStatus)
        and e.message.id == msg_id
        and not e.message.delivery.pending
    )


async def test_register_with_digest_auth(kamailio, phone_factory):
    phone = await registered_phone(kamailio, phone_factory, "alice")
    assert phone.state().accounts[0].code == 200
    acc = await phone.register("alice", timeout_s=20)  # an explicit re-REGISTER
    assert acc.reg_state is RegState.REGISTERED
    assert acc.code == 200
    assert kamailio.count_requests("REGISTER", "alice") >= 3  # challenged, accepted, refreshed


async def test_wrong_password_fails_without_hammering(kamailio, phone_factory):
    phone = await phone_factory(lab_account(kamailio, "alice"), passwords={"alice": "wrong"})
    watch = Watch(phone)
    acc = await watch.settled(phone, "alice")
    assert acc.reg_state is RegState.FAILED
    assert acc.code in (401, 403)
    # The engine's back-off retry fails again; by then only a handful of REGISTERs
    # went out (each attempt is REGISTER + one authenticated retry).
    again = await watch.failed("alice", timeout_s=40)
    assert again.account.code in (401, 403)
    assert kamailio.count_requests("REGISTER", "alice") <= 8


async def test_call_baresip_send_dtmf_and_hang_up(kamailio, baresip, phone_factory):
    phone = await registered_phone(kamailio, phone_factory, "alice")
    watch = Watch(phone)
    call = await phone.call("carol")
    connected = await watch.call_state(call.id, CallState.CONNECTED)
    assert "carol" in connected.remote_uri
    await baresip.ctrl.await_event("CALL_ESTABLISHED")
    await phone.dtmf("123#", call.id)
    digits = [(await baresip.ctrl.await_event("CALL_DTMF_START"))["param"] for _ in range(4)]
    assert "".join(digits) == "123#"
    await phone.hangup(call.id)
    await watch.call_state(call.id, CallState.ENDED)
    await baresip.ctrl.await_event("CALL_CLOSED")


async def test_called_by_baresip_and_answer(kamailio, baresip, phone_factory):
    phone = await registered_phone(kamailio, phone_factory, "alice")
    watch = Watch(phone)
    await asyncio.to_thread(baresip.dial, kamailio.aor("alice"))
    incoming = await watch.wait(lambda e: isinstance(e, IncomingCall))
    assert "carol" in incoming.call.remote_uri
    await phone.answer(incoming.call.id)
    await watch.call_state(incoming.call.id, CallState.CONNECTED)
    await baresip.ctrl.await_event("CALL_ESTABLISHED")
    await asyncio.to_thread(baresip.hangup)
    ended = await watch.call_state(incoming.call.id, CallState.ENDED)
    assert ended.answered is not None


async def test_message_through_proxy_and_to_unknown_user(kamailio, phone_factory):
    phone = await registered_phone(kamailio, phone_factory, "alice", "bob")
    watch = Watch(phone)
    msg = await phone.send_message("sip:bob@127.0.0.1", "hello bob", account_id="alice")
    status = await watch.wait(message_status(msg.id))
    assert status.message.delivery is Delivery.SENT
    assert status.message.code == 200
    received = await watch.wait(lambda e: isinstance(e, MessageReceived))
    assert received.message.body == "hello bob"
    assert received.message.account_id == "bob"
    lost = await phone.send_message("sip:nobody@127.0.0.1", "anyone?", account_id="alice")
    failed = await watch.wait(message_status(lost.id))
    assert failed.message.delivery is Delivery.FAILED
    assert failed.message.code == 404


async def test_sipp_uas_echoes_rtp(sipp_factory, phone_factory):
    uas = sipp_factory.uas(calls=1)
    phone = await phone_factory(direct_account())
    watch = Watch(phone)
    call = await phone.call(f"sip:echo@{uas.uri_host}")
    await watch.call_state(call.id, CallState.CONNECTED)
    stats = await eventually(lambda: phone.call_stats(call.id), lambda s: s.rx_packets > 0)
    assert stats.rx_packets > 0
    assert stats.codec
    await phone.hangup(call.id)
    await watch.call_state(call.id, CallState.ENDED)
    assert uas.wait(60) == 0, uas.log_tail()


@pytest.mark.parametrize(("target", "code"), [("busy", 486), ("nobody", 404)])
async def test_call_rejected_by_proxy(kamailio, phone_factory, target, code):
    phone = await registered_phone(kamailio, phone_factory, "alice")
    watch = Watch(phone)
    call = await phone.call(target)
    ended = await watch.call_state(call.id, CallState.ENDED)
    assert ended.code == code


async def test_unanswered_call_times_out(kamailio_factory, phone_factory):
    kam = kamailio_factory(noanswer_ms=3000)
    phone = await registered_phone(kam, phone_factory, "alice")
    watch = Watch(phone)
    call = await phone.call("noanswer")
    await watch.call_state(call.id, CallState.RINGING)
    ended = await watch.call_state(call.id, CallState.ENDED)
    assert ended.code == 408


async def test_registration_recovers_after_registrar_restart(kamailio, phone_factory):
    phone = await registered_phone(
        kamailio, phone_factory, "alice", transport=Transport.TCP, expires=10
    )
    watch = Watch(phone)
    kamailio.stop()
    failed = await watch.failed("alice", timeout_s=60)
    assert failed.account.reg_state is RegState.FAILED
    kamailio.start()  # same port, empty location table
    back = await watch.registered("alice", timeout_s=60)
    assert back.account.code == 200
    assert phone.state().accounts[0].reg_state is RegState.REGISTERED


def contact_hostport(contact):
    """host, port of a Contact like ``<sip:alice@127.0.0.1:40321;ob>``."""
    hostport = contact.split("@", 1)[1].split(";", 1)[0].split(">", 1)[0]
    host, _, port = hostport.partition(":")
    return host, int(port)


async def test_mwi_published_to_kamailio_reaches_the_phone(kamailio, phone_factory):
    phone = await registered_phone(kamailio, phone_factory, "alice", features=Features(mwi=True))
    watch = Watch(phone)
    # Whether pjsua's SUBSCRIBE lands before or after this PUBLISH, Kamailio keeps
    # the publication and NOTIFYs it (at once, or with the subscription's first NOTIFY).
    resp = await asyncio.to_thread(mwi.publish, kamailio.host, kamailio.port, "alice", 3, 1)
    assert resp.code == 200
    ev = await watch.wait(lambda e: isinstance(e, MwiChanged) and e.new == 3)
    assert ev.waiting
    assert ev.old == 1
    assert phone.state().mwi[0].new == 3


async def test_unsolicited_mwi_notify_reaches_the_phone(kamailio, phone_factory):
    """From a listed voicemail server (it sends from its own port, not the registrar's);
    the same NOTIFY from an unlisted source is refused (see tests/sip/test_gate.py)."""
    trust = TrustConfig(accept_from=("registrar", "127.0.0.1"))
    phone = await registered_phone(kamailio, phone_factory, "alice", features=Features(mwi=True),
                                   trust=trust)
    watch = Watch(phone)
    host, port = contact_hostport(phone.state().accounts[0].contact)
    resp = await asyncio.to_thread(mwi.notify_unsolicited, host, port, "alice", 5, 2)
    assert resp.code == 200
    ev = await watch.wait(lambda e: isinstance(e, MwiChanged) and e.new == 5)
    assert ev.old == 2


async def test_register_over_tls_with_the_lab_ca(kamailio_tls, phone_factory):
    kam = kamailio_tls
    acc = AccountConfig(
        id="alice",
        uri="sip:alice@127.0.0.1",
        registrar=f"sip:127.0.0.1:{kam.tls_port};transport=tls",
        proxy=(f"sip:127.0.0.1:{kam.tls_port};lr;transport=tls",),
        username="alice",
        transport=Transport.TLS,
        ca_file=str(kam.cert_path),
    )
    phone = await phone_factory(acc)
    state = await Watch(phone).settled(phone, "alice")
    assert state.reg_state is RegState.REGISTERED, f"{state.code} {state.reason}"
    assert kam.count_requests("REGISTER", "alice") >= 1


async def test_baresip_hears_the_phones_file_audio(kamailio, baresip, phone_factory, tmp_path):
    tone = write_tone(tmp_path / "440.wav", 440.0, seconds=5, rate=16000)
    media = MediaSettings(mode="files", play_file=str(tone))
    phone = await phone_factory(
        lab_account(kamailio, "alice"), backend=BackendSettings(media=media)
    )
    acc = await Watch(phone).settled(phone, "alice")
    assert acc.reg_state is RegState.REGISTERED
    watch = Watch(phone)
    call = await phone.call("carol")
    await watch.call_state(call.id, CallState.CONNECTED)
    await baresip.ctrl.await_event("CALL_ESTABLISHED")
    # RTP statistics have no event: poll until a second of audio went out.
    await eventually(lambda: phone.call_stats(call.id), lambda s: s.tx_packets >= 50)
    await phone.hangup(call.id)
    await baresip.ctrl.await_event("CALL_CLOSED")
    baresip.stop()  # closes the WAV dumps
    samples, rate = read_mono(baresip.received_wavs()[0])
    assert rms(samples) > 300
    assert 380 < dominant_freq(samples, rate) < 500


async def test_sipp_uac_calls_an_auto_answering_phone(sipp_factory, phone_factory):
    phone = await phone_factory(replace(direct_account(), auto_answer=True))
    watch = Watch(phone)
    host, port = contact_hostport(phone.state().accounts[0].contact)
    uac = sipp_factory.uac(f"{host}:{port}", service="tester", duration_ms=500)
    incoming = await watch.wait(lambda e: isinstance(e, IncomingCall))
    await watch.call_state(incoming.call.id, CallState.CONNECTED)
    await watch.call_state(incoming.call.id, CallState.ENDED)  # SIPp sends BYE
    assert await asyncio.to_thread(uac.wait, 60) == 0, uac.log_tail()


async def test_malformed_datagrams_leave_the_phone_working(sipp_factory, phone_factory):
    uas = sipp_factory.uas(calls=1)
    phone = await phone_factory(direct_account())
    host, port = contact_hostport(phone.state().accounts[0].contact)
    junk = (
        b"\x00\xff" * 64,
        b"INVITE sip:tester@127.0.0.1 SIP/2.0\r\nVia: broken\r\n\r\n",
        b"SIP/2.0 200 OK\r\nCSeq: x\r\n\r\n",
        b"MESSAGE sip:tester@127.0.0.1 SIP/2.0\r\nContent-Length: 99999\r\n\r\nhi",
    )
    with UdpSipClient() as client:
        for datagram in junk:
            client.send(datagram, host, port)
    watch = Watch(phone)
    call = await phone.call(f"sip:echo@{uas.uri_host}")
    await watch.call_state(call.id, CallState.CONNECTED)
    await phone.hangup(call.id)
    await watch.call_state(call.id, CallState.ENDED)
