"""Self-tests of the SIP lab: each fixture starts, answers and stops as documented."""

from __future__ import annotations

import socket
import ssl
import threading

import pytest

from tests.lab import mwi
from tests.lab.digest import register, send_with_auth
from tests.lab.sipp import scenario
from tests.lab.sipwire import UdpSipClient, build_request, options_ping
from tests.lab.tones import dominant_freq, read_mono, rms

pytestmark = pytest.mark.lab


def invite(client: UdpSipClient, target: str, port: int) -> str:
    return build_request(
        "INVITE",
        target,
        local_port=client.local_port,
        from_uri="sip:guest@127.0.0.1",
        headers=[("Contact", f"<sip:guest@127.0.0.1:{client.local_port}>")],
    )


def test_kamailio_answers_options(kamailio):
    resp = options_ping(kamailio.host, kamailio.port)
    assert resp.code == 200
    assert kamailio.pid is not None


def test_register_needs_the_right_password(kamailio):
    assert register(kamailio.host, kamailio.port, "alice", None).code == 401
    assert register(kamailio.host, kamailio.port, "alice", "wrong").code == 401
    assert register(kamailio.host, kamailio.port, "mallory", "x").code == 401
    ok = register(kamailio.host, kamailio.port, "alice", "alicepw", expires=30)
    assert ok.code == 200
    assert "expires=30" in ok.header("contact")
    assert kamailio.count_requests("REGISTER", "alice") == 5  # 1 + 2 + 2


def test_register_without_auth(kamailio_factory):
    kam = kamailio_factory(auth=False)
    assert register(kam.host, kam.port, "zoe", None).code == 200


def test_restart_keeps_port_and_forgets_bindings(kamailio):
    port = kamailio.port
    assert register(kamailio.host, port, "bob", "bobpw").code == 200
    kamailio.stop()
    assert kamailio.pid is None
    with pytest.raises(TimeoutError):
        options_ping(kamailio.host, port, timeout_s=0.5)
    kamailio.start()
    assert kamailio.port == port
    with UdpSipClient() as client:
        resp = client.final_response(invite(client, "sip:bob@127.0.0.1", port), kamailio.host, port)
    assert resp.code == 404


def test_proxy_delivers_message_to_registered_user(kamailio):
    with UdpSipClient() as bob, UdpSipClient() as sender:
        assert register(kamailio.host, kamailio.port, "bob", "bobpw", client=bob).code == 200
        msg = build_request(
            "MESSAGE",
            "sip:bob@127.0.0.1",
            local_port=sender.local_port,
            from_uri="sip:guest@127.0.0.1",
            headers=[("Content-Type", "text/plain")],
            body="hello bob",
        )
        sender.send(msg, kamailio.host, kamailio.port)
        got = bob.receive_request(5.0, "MESSAGE")
        bob.reply(got, 200, "OK")
        assert got.body == "hello bob"
        assert sender.receive(5.0).code == 200


def test_proxy_relays_to_an_explicit_foreign_port(kamailio):
    with UdpSipClient() as peer, UdpSipClient() as sender:
        target = f"sip:trunk@127.0.0.1:{peer.local_port}"
        msg = build_request(
            "MESSAGE",
            target,
            local_port=sender.local_port,
            from_uri="sip:guest@127.0.0.1",
            body="via proxy",
        )
        sender.send(msg, kamailio.host, kamailio.port)
        got = peer.receive_request(5.0, "MESSAGE")
        peer.reply(got, 202, "Accepted")
        assert sender.receive(5.0).code == 202
    assert got.body == "via proxy"


def test_unknown_user_busy_and_noanswer_routes(kamailio_factory):
    kam = kamailio_factory(noanswer_ms=1000)
    with UdpSipClient() as client:
        for user, code in (("nobody", 404), ("busy", 486), ("noanswer", 408)):
            req = invite(client, f"sip:{user}@127.0.0.1", kam.port)
            assert client.final_response(req, kam.host, kam.port, 15.0).code == code, user


def test_mwi_publish_reaches_subscriber(kamailio):
    with UdpSipClient() as alice:
        aor = "sip:alice@127.0.0.1"
        sub = send_with_auth(
            alice,
            kamailio.host,
            kamailio.port,
            "SUBSCRIBE",
            aor,
            from_uri=aor,
            credentials=("alice", "alicepw"),
            headers=[
                ("Event", "message-summary"),
                ("Expires", "60"),
                ("Contact", f"<sip:alice@127.0.0.1:{alice.local_port}>"),
            ],
        )
        assert sub.code in (200, 202)
        alice.reply(alice.receive_request(5.0, "NOTIFY"))
        assert mwi.publish(kamailio.host, kamailio.port, "alice", new=2, old=5).code == 200
        note = alice.receive_request(5.0, "NOTIFY")
        alice.reply(note)
    assert "Voice-Message: 2/5" in note.body
    assert note.header("event") == "message-summary"


def test_tls_listener_serves_its_self_signed_cert(kamailio_tls):
    ctx = ssl.create_default_context(cafile=str(kamailio_tls.cert_path))
    request = build_request(
        "OPTIONS",
        f"sip:127.0.0.1:{kamailio_tls.tls_port};transport=tls",
        local_port=5061,
        from_uri="sip:probe@127.0.0.1",
    ).replace("SIP/2.0/UDP", "SIP/2.0/TLS")
    with (
        socket.create_connection(("127.0.0.1", kamailio_tls.tls_port), timeout=10) as raw,
        ctx.wrap_socket(raw, server_hostname="127.0.0.1") as tls,
    ):
        tls.sendall(request.encode())
        assert tls.recv(4096).startswith(b"SIP/2.0 200")


def test_malformed_datagrams_do_not_stop_kamailio(kamailio):
    with UdpSipClient() as client:
        for junk in (b"\x00\xff" * 50, b"INVITE sip:x SIP/2.0\r\n\r\n", b"SIP/2.0 200\r\n"):
            client.send(junk, kamailio.host, kamailio.port)
    assert options_ping(kamailio.host, kamailio.port).code == 200


def test_sipp_uas_answers_sipp_uac(sipp_factory):
    uas = sipp_factory.uas(calls=1)
    uac = sipp_factory.uac(uas.uri_host, calls=1, duration_ms=200)
    assert uac.wait(60) == 0, uac.log_tail()
    assert uas.wait(60) == 0, uas.log_tail()
    assert uac.count("SuccessfulCall") == 1


@pytest.mark.parametrize("code", [486, 404])
def test_sipp_reject_scenarios(sipp_factory, code):
    uas = sipp_factory.uas(scenario_file=scenario(f"uas_{code}"))
    with UdpSipClient() as client:
        resp = client.final_response(
            invite(client, f"sip:x@{uas.uri_host}", uas.port), "127.0.0.1", uas.port, 10.0
        )
    assert resp.code == code


def test_baresip_calls_baresip_through_proxy(kamailio, baresip, baresip_factory):
    dave = baresip_factory(kamailio.port, "dave", tone_hz=440.0)
    assert baresip.ctrl is not None
    assert dave.ctrl is not None
    dave.dial(kamailio.aor("carol"))
    baresip.ctrl.wait_event("CALL_ESTABLISHED", 15)
    dave.ctrl.wait_event("CALL_ESTABLISHED", 15)
    dave.hangup()
    baresip.ctrl.wait_event("CALL_CLOSED", 15)
    assert kamailio.count_requests("INVITE", "dave") >= 1
    assert kamailio.count_requests("REGISTER", "carol") >= 1


def test_baresip_dials_sipp_echo_and_hears_its_tone(baresip_factory, sipp_factory):
    uas = sipp_factory.uas(calls=1, scenario_file=scenario("uas_echo_bye"), duration_ms=1500)
    carol = baresip_factory(None, "carol", tone_hz=880.0)
    assert carol.ctrl is not None
    carol.dial(f"sip:echo@{uas.uri_host}")
    carol.ctrl.wait_event("CALL_ESTABLISHED", 15)
    carol.ctrl.wait_event("CALL_CLOSED", 30)  # SIPp hangs up after 1.5 s of echo
    assert uas.wait(60) == 0, uas.log_tail()
    carol.stop()  # flushes the WAV dumps
    samples, rate = read_mono(carol.received_wavs()[0])
    assert rms(samples) > 500
    assert 800 < dominant_freq(samples, rate) < 960


def subscribe(client, kam, user, target_user, event):
    """An authenticated SUBSCRIBE from ``user`` to ``target_user``'s ``event``."""
    target = f"sip:{target_user}@127.0.0.1"
    return send_with_auth(
        client,
        kam.host,
        kam.port,
        "SUBSCRIBE",
        target,
        from_uri=f"sip:{user}@127.0.0.1",
        to_uri=target,
        credentials=(user, f"{user}pw"),
        headers=[
            ("Event", event),
            ("Expires", "60"),
            ("Contact", f"<sip:{user}@127.0.0.1:{client.local_port}>"),
        ],
    )


def test_presence_subscription_gets_a_notify(kamailio):
    with UdpSipClient() as erin:
        assert subscribe(erin, kamailio, "erin", "bob", "presence").code in (200, 202)
        note = erin.receive_request(5.0, "NOTIFY")
        erin.reply(note)
    assert note.header("event") == "presence"
    assert note.header("subscription-state").startswith("active")


def test_dialog_events_follow_a_call(kamailio, baresip, baresip_factory):
    dave = baresip_factory(kamailio.port, "dave")
    with UdpSipClient() as erin:
        assert subscribe(erin, kamailio, "erin", "dave", "dialog").code in (200, 202)
        erin.reply(erin.receive_request(5.0, "NOTIFY"))
        dave.dial(kamailio.aor("carol"))
        bodies = []
        while "confirmed" not in (bodies[-1] if bodies else ""):
            note = erin.receive_request(10.0, "NOTIFY")
            erin.reply(note)
            bodies.append(note.body.lower())
    assert "dialog-info" in bodies[-1]
    assert 'direction="initiator"' in bodies[-1]


def test_unsolicited_mwi_notify_reaches_a_contact():
    result = {}
    with UdpSipClient() as ua:
        # notify_unsolicited blocks for the final answer, so it runs in a thread
        # while this socket plays the UA.
        sender = threading.Thread(
            target=lambda: result.update(
                resp=mwi.notify_unsolicited("127.0.0.1", ua.local_port, "alice", new=3, old=1)
            )
        )
        sender.start()
        note = ua.receive_request(5.0, "NOTIFY")
        ua.reply(note)
        sender.join(10)
    assert result["resp"].code == 200
    assert "Voice-Message: 3/1" in note.body
    assert note.header("content-type") == mwi.CONTENT_TYPE
