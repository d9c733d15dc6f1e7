"""Self-tests of the netns lab itself: far hosts, NAT, renumbering, loss, teardown, sweep."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from tests.lab.net import names

pytestmark = pytest.mark.lab
SO_RCVBUFFORCE = 33  # Linux; root may exceed rmem_max
ROOT = Path(__file__).resolve().parents[2]


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


def test_outgoing_drop_is_silent_to_the_sender_and_one_way(netlab):
    far = netlab.far()
    root_v4 = netlab.uplink(far).root_v4
    with (
        big_rx(far.socket()) as server,
        big_rx(socket.socket(socket.AF_INET, socket.SOCK_DGRAM)) as phone,
    ):
        server.bind((far.v4, 5004))
        phone.bind((root_v4, 0))
        rule = far.drop_udp(100, direction="out", dst=root_v4)
        for _ in range(20):
            assert server.sendto(b"rtp to phone", phone.getsockname()) == 12  # no EPERM
            phone.sendto(b"rtp to far", (far.v4, 5004))
        assert receive(server, 20) == [b"rtp to far"] * 20
        assert rule.dropped() == 20
        rule.remove()
        server.sendto(b"marker", phone.getsockname())
        assert phone.recv(100) == b"marker"  # nothing from before the marker got through


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


def test_a_thread_started_inside_home_stays_there(netlab):
    nat = netlab.nat(netlab.far())
    bound: list[str] = []

    def sip_thread() -> None:  # like the engine's pjsua thread
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
            sock.bind((nat.home.v4, 0))
            bound.append(sock.getsockname()[0])

    with nat.home.entered():
        worker = threading.Thread(target=sip_thread)
        worker.start()
    worker.join(10)
    assert bound == [nat.home.v4]
    with (
        socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock,
        pytest.raises(OSError, match="assign"),
    ):
        sock.bind((nat.home.v4, 0))  # this thread is back in root


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


INNER_FAILING_TEST = """
import json, os
from tests.lab.net.fixtures import netlab, netlab_ready  # noqa: F401

def test_fails_midway(netlab):
    far = netlab.far()
    nat = netlab.nat(far)
    sleeper = far.spawn(["sleep", "600"], netlab.workdir / "sleep.log")
    made = {"netns": [h.name for h in netlab.hosts], "devs": netlab.root_devs, "pid": sleeper.pid}
    with open(os.environ["NETLAB_MADE"], "w") as out:
        json.dump(made, out)
    assert nat.home is None, "fails on purpose"
"""


def test_a_failing_test_still_tears_everything_down(netlab_ready, tmp_path):
    inner, made = tmp_path / "test_inner.py", tmp_path / "made.json"
    inner.write_text(INNER_FAILING_TEST)
    env = {**os.environ, "NETLAB_MADE": str(made), "PYTHONPATH": str(ROOT)}
    argv = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(inner)]
    done = subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 1, done.stdout + done.stderr  # the inner test failed
    record = json.loads(made.read_text())
    assert set(record["netns"]).isdisjoint(names.ip("netns", "list").split())
    assert not [d for d in record["devs"] if d in names.ip("-br", "link")]
    assert not names.pid_alive(record["pid"])


@pytest.mark.parametrize(("require", "outcome"), [("0", "1 skipped"), ("1", "1 error")])
def test_without_root_the_lab_skips_or_under_require_lab_fails(tmp_path, require, outcome):
    (tmp_path / "fake_nonroot.py").write_text("import os\nos.geteuid = lambda: 1000\n")
    env = {**os.environ, "TUIPHONE_REQUIRE_LAB": require, "PYTHONPATH": f"{tmp_path}:{ROOT}"}
    argv = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "fake_nonroot"]
    argv += [f"{__file__}::test_root_reaches_far_and_far_sees_the_root_side_address"]
    done = subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert outcome in done.stdout, done.stdout
    assert (done.returncode == 0) == (require == "0")
