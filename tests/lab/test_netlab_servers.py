"""Self-tests of the servers the netns lab runs on far hosts: Kamailio (v4, v6, TLS
SNI, provider with rtpengine), dnsmasq, coturn, rtpengine, SIPp, baresip (ICE)."""

from __future__ import annotations

import socket
import ssl

import pytest
from dns import resolver as dns_resolver

from tests.lab.net import ng, stun
from tests.lab.net.dnsmasq import Zone
from tests.lab.sipwire import UdpSipClient, ack_for, build_request, options_ping
from tests.lab.tones import dominant_freq, read_mono, rms

pytestmark = pytest.mark.lab


def test_far_kamailio_answers_options_v4(netlab, kamailio_factory):
    far = netlab.far()
    kam = kamailio_factory(host=far, address=far.v4)
    assert options_ping(kam.host, kam.port).code == 200


def test_far_kamailio_answers_options_v6_only(netlab, kamailio_factory):
    far = netlab.far(v4=False, v6=True)
    kam = kamailio_factory(host=far, address=far.v6)
    assert options_ping(kam.host, kam.port).code == 200


def test_far_kamailio_tls_logs_the_sni_the_client_sent(netlab, kamailio_factory):
    far = netlab.far()
    kam = kamailio_factory(host=far, address=far.v4, tls=True, tls_names=["sip.lab.test"])
    ctx = ssl.create_default_context(cafile=str(kam.ca_path))
    with (
        socket.create_connection((far.v4, kam.tls_port), timeout=10) as raw,
        ctx.wrap_socket(raw, server_hostname="sip.lab.test") as tls,
    ):
        local = tls.getsockname()
        req = build_request(
            "OPTIONS", f"sip:{far.v4}:{kam.tls_port};transport=tls",
            local_port=local[1], local_host=local[0], from_uri="sip:labprobe@lab.test",
        ).replace("SIP/2.0/UDP", "SIP/2.0/TLS")  # fmt: skip
        tls.sendall(req.encode())
        assert tls.recv(65535).startswith(b"SIP/2.0 200")
    assert kam.tls_server_names() == ["sip.lab.test"]


def test_dnsmasq_answers_srv_and_naptr(netlab, dnsmasq_factory):
    far = netlab.far()
    sip1 = far.extra_address()
    zone = (
        Zone()
        .host("sip1", sip1, far.v6)
        .srv("_sip._udp", "sip1", 5060, 10, 60)
        .srv("_sip._udp", "sip2", 5070, 20, 40)
        .naptr(10, 50, "SIP+D2U", "_sip._udp")
        .naptr(20, 50, "SIP+D2T", "_sip._tcp")
    )
    dns = dnsmasq_factory(far, zone)
    resolver = dns_resolver.Resolver(configure=False)
    resolver.nameservers, resolver.port = [dns.address], dns.port
    srv = sorted(
        (r.priority, r.weight, r.port, str(r.target))
        for r in resolver.resolve("_sip._udp.lab.test", "SRV")
    )
    assert srv == [(10, 60, 5060, "sip1.lab.test."), (20, 40, 5070, "sip2.lab.test.")]
    naptr = sorted(
        (r.order, r.service.decode(), str(r.replacement))
        for r in resolver.resolve("lab.test", "NAPTR")
    )
    assert naptr == [(10, "SIP+D2U", "_sip._udp.lab.test."), (20, "SIP+D2T", "_sip._tcp.lab.test.")]
    assert [r.address for r in resolver.resolve("sip1.lab.test", "A")] == [sip1]
    assert [r.address for r in resolver.resolve("sip1.lab.test", "AAAA")] == [far.v6]
    with pytest.raises(dns_resolver.NXDOMAIN):
        resolver.resolve("nothere.lab.test", "A")
    assert ("SRV", "_sip._udp.lab.test") in dns.queries()
    nat = netlab.nat(far)
    nat.home.set_resolver(dns.address)  # through the NAT, for processes started in home
    assert nat.home.run(["getent", "ahostsv4", "sip1.lab.test"]).stdout.startswith(sip1)


def test_coturn_maps_the_sender_and_relays_for_the_static_user(netlab, coturn_factory):
    far = netlab.far()
    turn = coturn_factory(far)
    root_v4 = netlab.uplink(far).root_v4
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind((root_v4, 0))
        assert stun.binding(sock, (turn.address, turn.port)) == sock.getsockname()
        relayed = stun.allocate(sock, (turn.address, turn.port), turn.user, turn.password)
    assert relayed[0] == far.v4
    with (
        socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock,
        pytest.raises(RuntimeError, match="401"),
    ):
        stun.allocate(sock, (turn.address, turn.port), turn.user, "wrong")
    nat = netlab.nat(far)
    with nat.home.socket() as sock:
        sock.bind((nat.home.v4, 0))
        mapped = stun.binding(sock, (turn.address, turn.port))
    assert mapped[0] == nat.router.public_address  # the server-reflexive address


def test_rtpengine_answers_ng_ping(netlab, rtpengine_factory):
    far = netlab.far()
    rtp = rtpengine_factory(far)
    assert rtp.ping() == {"result": "pong"}
    assert ng.command(rtp.address, rtp.ng_port, {"command": "ping"}, 2.0)["result"] == "pong"


def hang_up(caller, callee) -> None:
    """Hang up and wait until both closed the call (sndfile finishes its WAVs then)."""
    caller.hangup()
    for ua in (caller, callee):
        ua.ctrl.wait_event("CALL_CLOSED", 10)


def assert_tone(wav, hz: float) -> None:
    samples, rate = read_mono(wav)
    assert rms(samples) > 1000
    assert abs(dominant_freq(samples, rate) - hz) < 15


def test_sipp_uas_on_a_far_host_answers_and_echoes_rtp(netlab, sipp_factory):
    far = netlab.far()
    uas = sipp_factory.uas(host=far, calls=1)
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind((netlab.uplink(far).root_v4, 0))
    with UdpSipClient(sock) as client:
        me = client.local_host
        sdp = f"v=0\r\no=- 1 1 IN IP4 {me}\r\ns=-\r\nc=IN IP4 {me}\r\nt=0 0\r\n"
        sdp += "m=audio 4000 RTP/AVP 0\r\n"
        invite = build_request(
            "INVITE", f"sip:service@{far.v4}:{uas.port}", local_port=client.local_port,
            local_host=client.local_host, from_uri="sip:root@lab.test",
            headers=[("Contact", f"<sip:root@{client.local_host}:{client.local_port}>"),
                     ("Content-Type", "application/sdp")], body=sdp,
        )  # fmt: skip
        ok = client.final_response(invite, far.v4, uas.port)
        assert ok.code == 200
        assert f"c=IN IP4 {far.v4}" in ok.body
        assert f"m=audio {uas.media_port} " in ok.body
        client.send(ack_for(invite, ok), far.v4, uas.port)
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as rtp:
            rtp.settimeout(5)
            rtp.sendto(b"\x80\x00rtp-ish", (far.v4, uas.media_port))
            assert rtp.recvfrom(100) == (b"\x80\x00rtp-ish", (far.v4, uas.media_port))


def test_provider_kamailio_relays_media_for_a_phone_behind_nat(
    netlab, kamailio_factory, baresip_factory, rtpengine_factory
):
    far = netlab.far()
    nat = netlab.nat(far)
    relay = rtpengine_factory(far)
    kam = kamailio_factory(host=far, nat=True, rtpengine=relay.ng_sock)
    registrar = (kam.host, kam.port)
    bob = baresip_factory(None, "bob", tone_hz=660, host=far, registrar=registrar)
    alice = baresip_factory(None, "alice", tone_hz=440, host=nat.home, registrar=registrar)
    alice.dial(kam.aor("bob"))
    heard_by_bob, heard_by_alice = bob.wait_for_audio(1.0), alice.wait_for_audio(1.0)
    hang_up(alice, bob)
    assert_tone(heard_by_bob, 440)
    assert_tone(heard_by_alice, 660)
    nated = [ln for ln in kam.log_text().splitlines() if "LAB-NAT REGISTER from=sip:alice@" in ln]
    assert f"src={nat.router.public_address}:" in nated[0]
    assert "offer" in relay.log_text()


def test_baresip_ice_through_a_firewalled_nat(
    netlab, kamailio_factory, baresip_factory, coturn_factory
):
    far = netlab.far()
    nat = netlab.nat(far, firewall=True)
    stun_server = coturn_factory(far)
    kam = kamailio_factory(host=far)
    ice = {"ice": True, "stun": stun_server.stun_uri, "registrar": (kam.host, kam.port)}
    bob = baresip_factory(None, "bob", tone_hz=660, host=far, **ice)
    alice = baresip_factory(None, "alice", tone_hz=440, host=nat.home, **ice)
    alice.dial(kam.aor("bob"))
    heard_by_bob, heard_by_alice = bob.wait_for_audio(1.0), alice.wait_for_audio(1.0)
    hang_up(alice, bob)
    assert_tone(heard_by_bob, 440)
    assert_tone(heard_by_alice, 660)
    assert f"raddr {nat.router.public_address}:" in bob.log_tail(400)
