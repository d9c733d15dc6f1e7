"""Self-tests of the netns lab: topologies, far-side servers, loss, NAT, teardown."""

from __future__ import annotations

import socket
import ssl
import subprocess

import pytest
from dns import resolver as dns_resolver

from tests.lab.net import names, ng, stun
from tests.lab.net.dnsmasq import Zone
from tests.lab.sipwire import UdpSipClient, ack_for, build_request, options_ping
from tests.lab.tones import dominant_freq, read_mono, rms

pytestmark = pytest.mark.lab
SO_RCVBUFFORCE = 33  # Linux; root may exceed rmem_max


def test_root_reaches_far_and_far_sees_the_root_side_address(netlab):
    far = netlab.far()
    root_v4 = netlab.uplink(far).root_v4
    with far.socket() as server, socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as client:
        server.bind((far.v4, 0))
        server.settimeout(5)
        client.sendto(b"ping", server.getsockname())
        data, source = server.recvfrom(100)
    assert data == b"ping"
    assert source[0] == root_v4


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


def test_rtpengine_answers_ng_ping(netlab, rtpengine_factory):
    far = netlab.far()
    rtp = rtpengine_factory(far)
    assert rtp.ping() == {"result": "pong"}
    assert ng.command(rtp.address, rtp.ng_port, {"command": "ping"}, 2.0)["result"] == "pong"


def big_rx(sock: socket.socket) -> socket.socket:
    """No loss in the receiver itself: a socket buffer that holds a whole burst."""
    sock.setsockopt(socket.SOL_SOCKET, SO_RCVBUFFORCE, 8 << 20)
    sock.settimeout(5)
    return sock


def receive(sock: socket.socket, count: int) -> list[bytes]:
    """Exactly ``count`` datagrams (each within the socket timeout)."""
    return [sock.recv(2048) for _ in range(count)]


def test_ten_percent_loss_drops_about_ten_percent(netlab):
    far = netlab.far()
    with big_rx(far.socket()) as server, socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as tx:
        server.bind((far.v4, 4000))
        rule = far.drop_udp(10, dport_range=(4000, 4100), direction="in")
        for i in range(2000):
            tx.sendto(b"%d" % i, (far.v4, 4000))
        dropped = rule.dropped()
        got = receive(server, 2000 - dropped)
    assert 100 <= dropped <= 300, dropped  # 5-15 %
    assert len(set(got)) == 2000 - dropped


def test_full_drop_of_one_direction_through_the_nat(netlab):
    far = netlab.far()
    nat = netlab.nat(far)
    with big_rx(far.socket()) as server, big_rx(nat.home.socket()) as phone:
        server.bind((far.v4, 5004))
        phone.sendto(b"hello", (far.v4, 5004))
        _, mapped = server.recvfrom(100)
        rule = nat.router.drop_udp(100, direction="forward", dst=nat.home.v4)
        for _ in range(20):
            server.sendto(b"rtp to phone", mapped)
            phone.sendto(b"rtp to far", (far.v4, 5004))
        assert receive(server, 20) == [b"rtp to far"] * 20
        assert rule.dropped() == 20
        rule.remove()
        server.sendto(b"marker", mapped)
        assert phone.recv(100) == b"marker"  # nothing from before the marker got through


def test_nat_rewrites_the_source_and_lets_replies_back(netlab):
    far = netlab.far()
    nat = netlab.nat(far)
    second = far.extra_address()  # added after the NAT: the router learns a route to it
    for target in (far.v4, second):
        with far.socket() as server, nat.home.socket() as phone:
            server.bind((target, 5060))
            server.settimeout(5)
            phone.settimeout(5)
            phone.sendto(b"REGISTER", (target, 5060))
            data, source = server.recvfrom(100)
            assert (data, source[0]) == (b"REGISTER", nat.router.public_address)
            server.sendto(b"200 OK", source)
            assert phone.recvfrom(100) == (b"200 OK", (target, 5060))
    with far.socket() as sock, pytest.raises(OSError, match="unreachable"):
        sock.sendto(b"direct", (nat.home.v4, 5060))


def test_router_udp_conntrack_timeout_reads_back(netlab):
    nat = netlab.nat(netlab.far())
    nat.router.set_udp_timeout(20)
    assert nat.router.udp_timeouts() == (20, 20)
    with pytest.raises(ValueError, match="IPv4"):
        netlab.nat(netlab.far(v4=False))


def test_root_side_renumbering_changes_what_far_sees(netlab):
    far = netlab.far()
    old = netlab.uplink(far).root_v4
    new = netlab.renumber_root_side(far)
    assert new != old
    assert new.rsplit(".", 1)[0] == old.rsplit(".", 1)[0]
    root_addrs = names.ip("-br", "addr", "show", "dev", netlab.uplink(far).root_dev)
    assert new in root_addrs
    assert f"{old}/" not in root_addrs
    with far.socket() as server, socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as client:
        server.bind((far.v4, 0))
        server.settimeout(5)
        client.sendto(b"x", server.getsockname())
        assert server.recvfrom(10)[1][0] == new


def test_teardown_removes_processes_namespaces_veths_and_claims(netlab):
    far = netlab.far()
    nat = netlab.nat(far)
    sleeper = far.spawn(["sleep", "600"], netlab.workdir / "sleep.log")
    ours = {h.name for h in netlab.hosts}
    root_devs = list(netlab.root_devs)
    claims = [names.CLAIMS / str(s.index) for s in netlab.subnets]
    assert all(c.exists() for c in claims)
    assert nat.home.name in ours
    netlab.close()
    assert sleeper.poll() is not None
    assert ours.isdisjoint(names.ip("netns", "list").split())
    links = names.ip("-br", "link")
    assert not [d for d in root_devs if d in links]
    assert not [c for c in claims if c.exists()]


def test_sweep_removes_what_a_dead_run_left(netlab_ready, tmp_path):
    child = subprocess.Popen(["true"])
    child.wait()  # reaped: its pid is dead now
    dead_pid = child.pid
    ns, dev = f"tpl{dead_pid}-1-far", f"tpl{dead_pid}-1"
    names.ip("netns", "add", ns)
    names.ip("link", "add", dev, "type", "veth", "peer", "name", "p0", "netns", ns)
    names.sweep()  # a concurrent run's sweep may beat us to it: check the end state
    assert ns not in names.ip("netns", "list").split()
    assert dev not in names.ip("-br", "link")


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
