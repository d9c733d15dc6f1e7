"""The chat outbox against the real lab: Kamailio as registrar and proxy, a second
tuiphone engine in its own process (tests/lab/msg_peer.py) that can be SIGKILLed,
raw retransmitted MESSAGEs. Counting happens at the receiver."""

from __future__ import annotations

import asyncio
import json
import signal
import subprocess
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pjsua2  # noqa: F401 - a hard dependency: missing, the lab must fail, not skip
import pytest

from tests.cli.conftest import ROOT
from tests.lab import procs
from tests.lab import test_daemon_faults as faults
from tests.lab.engine_harness import Watch, direct_account, lab_account
from tests.lab.kamailio import USERS, Kamailio
from tests.lab.sipwire import UdpSipClient, build_request
from tests.lab.test_engine_lab import contact_hostport
from tuiphone.model.account import RegState
from tuiphone.model.errors import TuiphoneError
from tuiphone.model.events import MessageReceived, MessageStatus
from tuiphone.model.message import Delivery
from tuiphone.store import Store

pytestmark = [pytest.mark.lab, pytest.mark.pjsua]

BURST = 1000


@dataclass
class Peer:
    """One msg_peer process; ``lines()`` are its JSON reports so far."""

    proc: subprocess.Popen[bytes]
    log: Path

    def lines(self) -> list[dict[str, object]]:
        out = []
        for line in self.log.read_text(errors="replace").splitlines():
            if line.startswith("{"):
                out.append(json.loads(line))
        return out

    def wait(self, check: Callable[[list[dict[str, object]]], bool], what: str,
             timeout_s: float = 60) -> None:
        procs.wait_for(lambda: check(self.lines()), self.proc, timeout_s, what)


@pytest.fixture
def peers(tmp_path: Path) -> Iterator[Callable[..., Peer]]:
    started: list[Peer] = []

    def start(kam: Kamailio, user: str, db: Path, *extra: str) -> Peer:
        log = tmp_path / f"peer-{user}-{len(started)}.log"
        argv = [sys.executable, "-m", "tests.lab.msg_peer", kam.host, str(kam.port), user,
                str(db), *extra]
        proc = procs.spawn(argv, log, cwd=ROOT, env={"PYTHONPATH": str(ROOT),
                                                      "PATH": "/usr/bin:/bin"})
        peer = Peer(proc, log)
        started.append(peer)
        return peer

    yield start
    for peer in started:
        procs.stop(peer.proc)


async def _registered(kam: Kamailio, phone_factory, user: str, **kwargs):
    phone = await phone_factory(lab_account(kam, user), **kwargs)
    acc = await Watch(phone).settled(phone, user)
    assert acc.reg_state is RegState.REGISTERED, f"{acc.code} {acc.reason}"
    return phone


def _settled(msg_id: str):
    return lambda e: (isinstance(e, MessageStatus) and e.message.id == msg_id
                      and not e.message.delivery.pending)


async def test_kill_9_during_a_burst_loses_and_doubles_nothing(
        kamailio, phone_factory, peers, tmp_path):
    bob = await _registered(kamailio, phone_factory, "bob")
    watch = Watch(bob)
    db = tmp_path / "alice.db"
    alice = peers(kamailio, "alice", db, "--send", str(BURST), "--to",
                  kamailio.aor("bob"), "--prefix", "burst")
    for _ in range(BURST // 4):  # a quarter arrived: the burst is under way
        await watch.wait(lambda e: isinstance(e, MessageReceived), 60)
    alice.proc.kill()
    await asyncio.to_thread(alice.proc.wait, 10)
    with Store(db) as store:
        committed = {m.body for m in store.messages(limit=10_000) if m.direction == "out"}
        left = len(store.pending_messages())
    assert len(committed) >= BURST // 4
    # the kill hit the burst: some messages were not written yet, or not yet answered
    assert len(committed) < BURST or left > 0, (len(committed), left)
    # The same database in a new process: what was queued or in flight goes out now.
    # What was in flight may have arrived already: bob recognises the resend by its
    # Tuiphone-Message-ID (in trial runs 0-2 of ~150 resends were such doubles).
    again = peers(kamailio, "alice", db)
    if left:
        again.wait(lambda lines: any("idle" in x for x in lines), "an empty outbox")
    arrived = {e.message.body for e in watch.seen if isinstance(e, MessageReceived)}
    while not committed <= arrived:  # bounded: each wait has its timeout
        ev = await watch.wait(lambda e: isinstance(e, MessageReceived), 60)
        arrived.add(ev.message.body)  # type: ignore[union-attr]
    got = Counter(e.message.body for e in watch.seen if isinstance(e, MessageReceived))
    assert set(got) == committed, f"not committed yet arrived: {set(got) - committed}"
    assert max(got.values()) == 1, [b for b, n in got.items() if n > 1]
    stored = Counter(m.body for m in await bob.messages(limit=10_000) if m.direction == "in")
    assert stored == Counter(dict.fromkeys(committed, 1))
    with Store(db) as store:
        assert store.pending_messages() == []
        outs = [m for m in store.messages(limit=10_000) if m.direction == "out"]
        assert {m.delivery for m in outs} == {Delivery.SENT}


async def test_registrar_down_then_back_delivers_each_once(
        kamailio, phone_factory, peers, tmp_path):
    bob = peers(kamailio, "bob", tmp_path / "bob.db")
    bob.wait(lambda lines: any("registered" in x for x in lines), "bob registered")
    # No automatic re-REGISTER: the test decides when alice comes back.
    alice = await _registered(kamailio, phone_factory, "alice", register_backoff_s=(3600.0,),
                              db_path=tmp_path / "alice.db")
    watch = Watch(alice)
    first = await alice.send_message(kamailio.aor("bob"), "while up", account_id="alice")
    assert (await watch.wait(_settled(first.id))).message.delivery is Delivery.SENT

    kamailio.stop()
    with pytest.raises(TuiphoneError):
        await alice.register("alice", timeout_s=40)
    queued = [await alice.send_message(kamailio.aor("bob"), f"while down {n}",
                                       account_id="alice") for n in range(3)]
    assert {m.id for m in await alice.messages(pending=True)} == {m.id for m in queued}

    kamailio.start()  # a fresh registrar: bob's binding is gone too
    procs.stop(bob.proc)
    bob = peers(kamailio, "bob", tmp_path / "bob.db")
    bob.wait(lambda lines: any("registered" in x for x in lines), "bob registered again")
    await alice.register("alice", timeout_s=20)
    for m in queued:
        done = await watch.wait(_settled(m.id))
        assert (done.message.delivery, done.message.code) == (Delivery.SENT, 200)
    bob.wait(lambda lines: sum(_received_in(lines).values()) >= 3, "3 messages at bob")
    counted = _received_in(bob.lines())
    assert counted == Counter({f"while down {n}": 1 for n in range(3)})
    assert await alice.messages(pending=True) == []


def _received_in(lines: list[dict[str, object]]) -> Counter[str]:
    return Counter(str(x["received"]) for x in lines if "received" in x)


async def test_a_retransmitted_incoming_message_is_shown_once(phone_factory):
    phone = await phone_factory(direct_account())
    watch = Watch(phone)
    host, port = contact_hostport(phone.state().accounts[0].contact)
    with UdpSipClient() as client:
        def message(cseq: int, body: str, call_id: str = "dup-1") -> str:
            return build_request("MESSAGE", f"sip:tester@{host}:{port}",
                                 local_port=client.local_port, from_uri="sip:eve@127.0.0.1",
                                 call_id=call_id, cseq=cseq, from_tag="t1",
                                 headers=(("Content-Type", "text/plain"),), body=body)
        original = message(1, "only once")
        # The original; a retransmission byte for byte (pjsip's transaction layer answers
        # it again and absorbs it); the same Call-ID, CSeq and From tag in a new branch
        # (pjsip refuses a merged request, RFC 3261 8.2.2.2). Past those windows (a
        # transaction's 32 s, a restart) the engine's id from Call-ID+CSeq drops it.
        codes = []
        for request in (original, original, message(1, "only once")):
            resp = await asyncio.to_thread(client.final_response, request, host, port)
            codes.append(resp.code)
        assert codes == [200, 200, 482]
        resp = await asyncio.to_thread(client.final_response, message(2, "the next one"),
                                       host, port)
        assert resp.code == 200
    first = await watch.wait(lambda e: isinstance(e, MessageReceived))
    second = await watch.wait(lambda e: isinstance(e, MessageReceived))
    assert (first.message.body, second.message.body) == ("only once", "the next one")
    bodies = [m.body for m in await phone.messages()]
    assert bodies == ["only once", "the next one"]
    assert not [e for e in watch.seen if isinstance(e, MessageReceived)
                and e.message.body == "only once"][1:]


def _daemon(config: Path, log: Path) -> subprocess.Popen[bytes]:
    """``tuiphone daemon`` on the real backend with ``config``; up once its socket is."""
    import time

    from tuiphone.control import socket_path

    proc = procs.spawn([sys.executable, "-m", "tuiphone.cli.main", "--config", str(config),
                        "daemon"], log, cwd=ROOT, env=faults._env())
    deadline = time.monotonic() + 30
    while not socket_path().is_socket():  # bounded poll for a file another process makes
        if proc.poll() is not None or time.monotonic() > deadline:
            procs.stop(proc)
            pytest.fail(f"daemon did not start: {procs.tail(log, 30)}")
        time.sleep(0.02)
    return proc


def _alice_config(path: Path, registrar: str) -> Path:
    path.write_text(
        "[engine]\necho_line = false\nmessage_retry_hours = 1\n[[accounts]]\n"
        f'id = "alice"\nuri = "sip:alice@127.0.0.1"\nregistrar = "{registrar}"\n'
        f'proxy = ["{registrar};lr"]\nusername = "alice"\npassword = "{USERS["alice"]}"\n')
    path.chmod(0o600)
    return path


async def test_queue_survives_a_daemon_restart(kamailio, phone_factory, tmp_path):
    bob = await _registered(kamailio, phone_factory, "bob")
    watch = Watch(bob)
    dead = f"sip:127.0.0.1:{procs.free_port()}"  # nothing listens: alice never registers
    first = _daemon(_alice_config(tmp_path / "down.toml", dead), tmp_path / "daemon1.log")
    try:
        for n in range(3):
            run = faults._tuiphone("--json", "message", kamailio.aor("bob"), f"offline {n}",
                                   "--timeout", "0.5")
            assert run.code == 3, run.err
            assert run.json()["delivery"] == "queued"
        pending = faults._tuiphone("--json", "messages", "--pending")
        assert [m["body"] for m in pending.json()] == [f"offline {n}" for n in range(3)]
    finally:
        first.send_signal(signal.SIGTERM)
        await asyncio.to_thread(first.wait, 30)
    second = _daemon(_alice_config(tmp_path / "up.toml", kamailio.registrar_uri),
                     tmp_path / "daemon2.log")
    try:
        for _ in range(3):
            await watch.wait(lambda e: isinstance(e, MessageReceived), 40)
        # bob's pjsua answered 200 before it told bob: each check is a new process,
        # long after; bounded, in case the daemon is slow to note the answers
        for _ in range(10):
            if (left := faults._tuiphone("--json", "messages", "--pending").json()) == []:
                break
        assert left == []
    finally:
        procs.stop(second)
    got = Counter(e.message.body for e in watch.seen if isinstance(e, MessageReceived))
    assert got == Counter({f"offline {n}": 1 for n in range(3)})


async def test_unregistered_account_queues_then_baresip_gets_each_once(
        kamailio, baresip_factory, phone_factory):
    carol = baresip_factory(kamailio.port, "carol", console=True)
    assert carol.console is not None
    alice = await _registered(kamailio, phone_factory, "alice", register_backoff_s=(3600.0,))
    watch = Watch(alice)
    await alice.unregister("alice")
    queued = [await alice.send_message("carol", f"to baresip {n}", account_id="alice")
              for n in range(3)]
    assert {m.id for m in await alice.messages(pending=True)} == {m.id for m in queued}
    await alice.register("alice", timeout_s=20)
    for m in queued:
        done = await watch.wait(_settled(m.id))
        assert (done.message.delivery, done.message.code) == (Delivery.SENT, 200)
    counted = await asyncio.to_thread(carol.console.wait, 3)
    assert counted == Counter({f"to baresip {n}": 1 for n in range(3)})
    assert not [e for e in watch.seen if isinstance(e, MessageStatus)
                and e.message.delivery is Delivery.SENDING and e.message.attempts > 1]
