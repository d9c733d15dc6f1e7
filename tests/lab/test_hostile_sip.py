"""Hostile SIP against a registered engine with a call up: the corpus in
tests/lab/hostile.py over UDP and TCP, INVITEs with bad SDP, floods of 1000 requests a second,
and a SIPp UAC that CANCELs after the 200 (scenarios/uac_cancel_after_200.xml).

Outcome every time: the engine answers what deserves an answer, registration and
the ongoing call survive (RTP keeps flowing, a re-REGISTER works), and a bad body is
one log line, never a traceback."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import struct
import time
from dataclasses import dataclass, replace
from typing import Any

import pjsua2  # noqa: F401 - a hard dependency: missing, the lab must fail, not skip
import pytest

from tests.lab.engine_harness import Watch, direct_account, eventually, lab_account
from tests.lab.hostile import (
    CORPUS,
    FILE_BODIES,
    OK,
    RECEIPT_BODIES,
    Case,
    Sender,
    own_tcp_listeners,
    read_tcp_message,
)
from tests.lab.sipp import scenario
from tests.lab.sipwire import UdpSipClient, ack_for, build_request, parse_message
from tests.lab.test_engine_lab import contact_hostport
from tuiphone.model.account import Features, RegState, Transport
from tuiphone.model.call import CallState
from tuiphone.model.events import IncomingCall, MessageReceived, Notice
from tuiphone.model.trust import RefusalReason, TrustConfig

pytestmark = [pytest.mark.lab, pytest.mark.pjsua]
ANSWER_S = 5.0


@dataclass
class Target:
    phone: Any
    watch: Watch
    call_id: str
    udp: tuple[str, int]
    tcp: tuple[str, int]


@pytest.fixture
async def target(kamailio, sipp_factory, phone_factory, caplog) -> Target:
    """alice registered over UDP, bob over TCP, and a call up from a direct account
    to a SIPp UAS that echoes RTP. The hostile sender (loopback) is listed in
    ``accept_from``, so its requests get past the request gate into pjsua's parser and
    the engine, which is what these tests are about (the gate's own answer to strangers
    is tested in test_net_trust.py)."""
    caplog.set_level(logging.INFO, logger="tuiphone")
    uas = sipp_factory.uas()
    listed = TrustConfig(accept_from=("registrar", "127.0.0.0/8"))
    files = Features(file_sharing=True)  # so file descriptions are parsed, not set aside
    phone = await phone_factory(
        lab_account(kamailio, "alice", trust=listed, features=files),
        lab_account(kamailio, "bob", transport=Transport.TCP, trust=listed, features=files),
        replace(direct_account("answerer"), auto_answer=True))
    watch = Watch(phone)
    for user in ("alice", "bob"):
        acc = await watch.settled(phone, user)
        assert acc.reg_state is RegState.REGISTERED, f"{user}: {acc.code} {acc.reason}"
    call = await phone.call(f"sip:echo@{uas.uri_host}", account_id="answerer")
    await watch.call_state(call.id, CallState.CONNECTED)
    alice = contact_hostport(next(a.contact for a in phone.state().accounts if a.id == "alice"))
    sip_tcp = [p for p in own_tcp_listeners() if await asyncio.to_thread(_answers_options, p)]
    assert sip_tcp, "the engine takes no SIP over TCP"  # shared listener, bob's route one
    return Target(phone, watch, call.id, alice, ("127.0.0.1", min(sip_tcp)))


def _answers_options(port: int) -> bool:
    with contextlib.suppress(OSError, TimeoutError, ValueError):
        return _send_tcp(Case("probe", lambda s: s.request("OPTIONS").encode(), OK),
                         "127.0.0.1", port) == 200
    return False


async def assert_survived(t: Target, caplog) -> None:
    state = t.phone.state()
    assert {a.id: a.reg_state for a in state.accounts if a.id != "answerer"} == {
        "alice": RegState.REGISTERED, "bob": RegState.REGISTERED}
    assert [c.state for c in state.calls if c.id == t.call_id] == [CallState.CONNECTED]
    before = (await t.phone.call_stats(t.call_id)).rx_packets
    await eventually(lambda: t.phone.call_stats(t.call_id),
                     lambda s: s.rx_packets >= before + 10, timeout_s=10)
    for account_id in ("alice", "bob"):
        acc = await t.phone.register(account_id, timeout_s=10)
        assert acc.reg_state is RegState.REGISTERED
    tracebacks = [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]
    assert tracebacks == [], [r.getMessage() for r in tracebacks]


def _send_udp(case: Case, host: str, port: int) -> int | None:
    with UdpSipClient() as client:
        sender = Sender("UDP", client.local_host, client.local_port, f"{host}:{port}", "alice")
        client.send(case.build(sender), host, port)
        if case.answer is None:
            return None
        while True:
            resp = client.receive(ANSWER_S)
            if resp.code >= 200:
                return resp.code


def _send_tcp(case: Case, host: str, port: int) -> int | None:
    with socket.create_connection((host, port), timeout=ANSWER_S) as sock:
        here = sock.getsockname()
        sender = Sender("TCP", here[0], here[1], f"{host}:{port};transport=tcp", "bob")
        sock.sendall(case.build(sender))
        if case.answer is None:
            return None
        while True:
            resp = read_tcp_message(sock, ANSWER_S)
            if resp.is_response and resp.code >= 200:
                return resp.code


@pytest.mark.parametrize("transport", ["UDP", "TCP"])
async def test_hostile_corpus(target: Target, caplog, transport: str) -> None:
    host, port = target.udp if transport == "UDP" else target.tcp
    send = _send_udp if transport == "UDP" else _send_tcp
    wrong = []
    for case in CORPUS:
        try:
            code = await asyncio.to_thread(send, case, host, port)
        except (TimeoutError, ConnectionError) as err:
            code = err
        if case.answer is not None and code not in case.answer:
            wrong.append(f"{case.name}: {code}")
    assert wrong == [], "\n".join(wrong)
    await assert_survived(target, caplog)
    utf8 = [r for r in caplog.records if "is not valid utf-8" in r.getMessage()]
    assert len(utf8) == 1, [r.getMessage() for r in utf8]
    mwi = [r for r in caplog.records if "without a message summary" in r.getMessage()]
    assert len(mwi) == 1, [r.getMessage() for r in mwi]
    kept = await target.watch.wait(lambda e: isinstance(e, MessageReceived) and bool(e.message.raw))
    assert kept.message.raw == b"\xff\xfe\xfa"  # type: ignore[union-attr]
    stored = await target.phone.messages(None, 100)
    assert [m.raw for m in stored if m.raw] == [b"\xff\xfe\xfa"]
    # pjsip reads at most 4000 bytes of a datagram and TCP stream frames it: what
    # did not arrive whole is marked truncated (as is the Content-Length lie)
    assert all(m.truncated for m in stored if "y" * 100 in m.body or m.body == "short")
    assert any(m.body == "short" for m in stored) or transport == "TCP"
    bombs = [m for m in stored if "lolz" in m.body]
    assert len(bombs) == 1, "the XML bomb is kept as text, never expanded"


SDP = ("v=0\r\no=x 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n")
BAD_SDP = {
    "no media": SDP,
    "port 0": SDP + "m=audio 0 RTP/AVP 0\r\n",
    "unknown codec": SDP + "m=audio 40000 RTP/AVP 123\r\na=rtpmap:123 NOPE/8000\r\n",
    "100 m-lines": SDP + "m=audio 40000 RTP/AVP 0\r\n" * 100,
    "not SDP": "v=0\r\nthis is not\r\n\x00\x01",
}


def _invite_and_clear(sdp: str, host: str, port: int) -> int:
    """INVITE alice with ``sdp``; CANCEL if it rings, ACK a final answer, BYE a 200.
    Returns the INVITE's final code."""
    with UdpSipClient() as client:
        invite = build_request(
            "INVITE", f"sip:alice@{host}:{port}", local_port=client.local_port,
            from_uri="sip:hostile@127.0.0.1", body=sdp,
            headers=(("Contact", f"<sip:hostile@127.0.0.1:{client.local_port}>"),
                     ("Content-Type", "application/sdp")))
        client.send(invite, host, port)
        cancelled = False
        while True:
            resp = client.receive(ANSWER_S)
            if resp.header("call-id") != parse_message(invite.encode()).header("call-id"):
                continue
            if 180 <= resp.code < 200 and not cancelled:
                cancel = invite.split("\r\n")
                cancel[0] = cancel[0].replace("INVITE", "CANCEL", 1)
                cancel = [ln.replace("1 INVITE", "1 CANCEL") for ln in cancel
                          if not ln.startswith(("Contact", "Content-Type"))]
                text = "\r\n".join(cancel).split("\r\n\r\n")[0]
                text = text.replace(f"Content-Length: {len(sdp.encode())}", "Content-Length: 0")
                client.send(text + "\r\n\r\n", host, port)
                cancelled = True
            elif resp.method == "INVITE" and resp.code >= 300:
                client.send(ack_for(invite, resp), host, port)
                return resp.code
            elif resp.method == "INVITE" and resp.code >= 200:
                raise AssertionError(f"a broken offer was accepted: {resp.raw}")


@pytest.mark.parametrize("name", list(BAD_SDP))
async def test_bad_sdp_is_refused_and_the_call_goes_on(target: Target, caplog, name) -> None:
    host, port = target.udp
    code = await asyncio.to_thread(_invite_and_clear, BAD_SDP[name], host, port)
    assert code in (400, 415, 487, 488, 500), code
    await assert_survived(target, caplog)
    assert [c.id for c in target.phone.state().calls if c.state is not CallState.ENDED] == [
        target.call_id]


FLOOD = {
    "OPTIONS": ((), ""),
    "MESSAGE": ((("Content-Type", "text/plain"),), "flood"),
    "NOTIFY": ((("Event", "message-summary"), ("Content-Type",
                                               "application/simple-message-summary")),
               "Messages-Waiting: yes\r\nVoice-Message: 1/0\r\n"),
    "INVITE": ((("Content-Type", "application/sdp"), ("Contact", "<sip:flood@127.0.0.1>")),
               SDP + "m=audio 40000 RTP/AVP 0\r\n"),
}


# How long each flood lasts, at 1000 requests a second (TUIPHONE_FLOOD_S; 10 s in CI).
FLOOD_S = float(os.environ.get("TUIPHONE_FLOOD_S", "10"))
RATE = 1000


@pytest.mark.parametrize("method", list(FLOOD))
async def test_flood(target: Target, caplog, method: str) -> None:
    """1000 requests a second for FLOOD_S; the engine answers them and survives."""
    host, port = target.udp
    headers, body = FLOOD[method]
    total = int(RATE * FLOOD_S)

    def flood(client: UdpSipClient) -> None:
        start = time.perf_counter()
        for n in range(total):
            client.send(build_request(method, f"sip:alice@{host}:{port}",
                                      local_port=client.local_port, headers=headers,
                                      from_uri="sip:flood@127.0.0.1", body=body), host, port)
            ahead = start + n / RATE - time.perf_counter()
            if ahead > 0:
                time.sleep(ahead)  # the pace of the flood, 1000/s; nothing waits on it

    def answers(client: UdpSipClient) -> int:
        """Distinct requests answered, read while the flood goes on (the socket's buffer
        holds only ~150 datagrams) until 3 s pass without an answer."""
        answered: set[str] = set()
        with contextlib.suppress(TimeoutError):
            while True:
                answered.add(client.receive(3.0).header("call-id"))
        return len(answered)

    rss_before = _rss_mb()
    with UdpSipClient() as client:
        # room for every answer: a reader thread on a loaded machine falls behind, and
        # answers the test's own socket drops are no fault of the engine
        client.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 * 1024 * 1024)
        counting = asyncio.ensure_future(asyncio.to_thread(answers, client))
        await asyncio.to_thread(flood, client)
        answered = await counting
    grown = _rss_mb() - rss_before
    print(f"flood {method}: {answered} of {total} answered in {FLOOD_S:g} s, RSS +{grown:.1f} MB")
    # Every request the engine sees is answered (10000 of 10000 OPTIONS here); a MESSAGE
    # costs more (stored, an event): with other work on the 2 cores, a third of them
    # were answered and the rest overflowed the socket. It is never stuck.
    assert answered >= total // 5, f"{answered} of {total} {method}s answered"
    # pjsip keeps each non-INVITE server transaction for 32 s (Timer J) to absorb
    # retransmissions, so a flood holds up to rate x 32 s of them (~14 kB each with the
    # test's event queue; 10 s of MESSAGEs grew RSS by 116 MB, OPTIONS 13, INVITE 0).
    # That is bounded by the timer, not a leak; this catches anything far past it.
    assert grown < 16 * FLOOD_S + 32, f"RSS grew {grown:.1f} MB in a {FLOOD_S:g} s {method} flood"
    await assert_survived(target, caplog)


def _rss_mb() -> float:
    """This process's resident size (the engine runs in it)."""
    with open("/proc/self/status") as status:
        line = next(ln for ln in status if ln.startswith("VmRSS:"))
    return int(line.split()[1]) / 1024


async def test_tcp_connections_reset_mid_request(target: Target, caplog) -> None:
    """20 connections that send part of a request and then reset (RST, not FIN).
    (Connecting slows down once pjsip's accept backlog is full: ~0.1 s each.)"""
    host, port = target.tcp

    def reset_all() -> None:
        for n in range(20):
            with socket.create_connection((host, port), timeout=ANSWER_S) as sock:
                here = sock.getsockname()
                sender = Sender("TCP", here[0], here[1], f"{host}:{port};transport=tcp", "bob")
                request = sender.request("MESSAGE", body="x" * 500,
                                         headers=(("Content-Type", "text/plain"),)).encode()
                sock.sendall(request[: 100 + n * 25])
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))

    await asyncio.to_thread(reset_all)
    code = await asyncio.to_thread(_send_tcp, Case("after", lambda s: s.request(
        "OPTIONS").encode(), OK), host, port)
    assert code == 200
    await assert_survived(target, caplog)


async def test_cancel_after_200_does_not_end_the_call(target: Target, sipp_factory, caplog):
    host, port = target.udp
    uac = sipp_factory.uac(f"{host}:{port}", service="answerer", calls=1,
                           scenario_file=scenario("uac_cancel_after_200"))
    incoming = await target.watch.wait(lambda e: isinstance(e, IncomingCall))
    await target.watch.call_state(incoming.call.id, CallState.CONNECTED)
    ended = await target.watch.call_state(incoming.call.id, CallState.ENDED)  # SIPp's BYE
    assert ended.answered is not None
    assert await asyncio.to_thread(uac.wait, 30) == 0, uac.log_tail()
    await assert_survived(target, caplog)


async def test_reinvite_storm_inside_a_call(target: Target, sipp_factory, caplog):
    """SIPp (scenarios/uac_reinvite_storm.xml) sends 200 re-INVITEs back to back in a
    call to the engine: each is answered, the call stays up until SIPp's BYE, and the
    engine's other call and registrations carry on."""
    host, port = target.udp
    uac = sipp_factory.uac(f"{host}:{port}", service="answerer", calls=1,
                           scenario_file=scenario("uac_reinvite_storm"),
                           extra=("-trace_logs",))
    incoming = await target.watch.wait(lambda e: isinstance(e, IncomingCall))
    call_id = incoming.call.id  # type: ignore[union-attr]
    await target.watch.call_state(call_id, CallState.CONNECTED)
    ended = await target.watch.call_state(call_id, CallState.ENDED, timeout_s=120)
    assert ended.answered is not None
    assert await asyncio.to_thread(uac.wait, 120) == 0, uac.log_tail()
    assert uac.count("SuccessfulCall") == 1, uac.stats()
    rounds = [ln.split() for ln in _sipp_logs(uac).splitlines() if ln.startswith("round ")]
    answered = int(float(rounds[-1][3]))
    print(f"re-INVITE storm: {answered} of {len(rounds)} answered 200")
    assert len(rounds) == 200
    assert answered >= 100, f"only {answered} of 200 re-INVITEs were answered 200"
    await assert_survived(target, caplog)


def _sipp_logs(sipp: Any) -> str:
    """What the scenario's <log> actions wrote (SIPp's -trace_logs file)."""
    logs = sorted(sipp.log_path.parent.glob("*_logs.log"))
    assert logs, f"no SIPp -trace_logs file in {sipp.log_path.parent}"
    return logs[-1].read_text(errors="replace")


@pytest.mark.parametrize("transport", ["UDP", "TCP"])
async def test_hostile_file_and_receipt_bodies(target: Target, caplog, transport: str) -> None:
    """fthttp descriptions and IMDNs with XML bombs, external entities and huge bodies:
    each is answered, each is one line (a refused-file message, a warning Notice), and
    nothing is expanded or read from disk."""
    host, port = target.udp if transport == "UDP" else target.tcp
    send = _send_udp if transport == "UDP" else _send_tcp
    for case in (*FILE_BODIES, *RECEIPT_BODIES):
        code = await asyncio.to_thread(send, case, host, port)
        assert code in OK, f"{case.name}: {code}"
    for _ in RECEIPT_BODIES:
        note = await target.watch.wait(lambda e: isinstance(e, Notice) and "IMDN" in e.text)
        assert isinstance(note, Notice)
        assert note.level == "warning"
        assert "\n" not in note.text
    extra = [e for e in target.watch.seen if isinstance(e, Notice) and "IMDN" in e.text]
    assert len(extra) <= len(RECEIPT_BODIES), [e.text for e in extra]  # one each, no more
    stored = await target.phone.messages(None, 100)
    refused = [m.body for m in stored if m.body.startswith("[file refused:")]
    assert len(refused) == len(FILE_BODIES), [m.body[:80] for m in stored]
    assert not any("root:" in m.body or "lollol" in m.body for m in stored)  # nothing expanded
    await assert_survived(target, caplog)



CHURN_S = 3.0


async def test_invite_cancel_churn_gets_503_and_the_engine_lives(target: Target, caplog) -> None:
    """INVITEs cancelled as soon as they ring, one after another for CHURN_S. Each gets
    a media transport (two sockets) that pjlib frees only 500 ms after the call; before
    the guard, the 64 sockets ran out within a second and pjlib aborted the process
    (an assertion in pj_ioqueue_register_sock2). Now the excess is answered 503."""
    host, port = target.udp
    offer = SDP + "m=audio 40000 RTP/AVP 0\r\n"

    def churn() -> list[int]:
        codes = []
        end = time.monotonic() + CHURN_S
        while time.monotonic() < end:
            codes.append(_invite_and_clear(offer, host, port))
        return codes

    codes = await asyncio.to_thread(churn)
    print(f"churn: {len(codes)} INVITEs, codes {sorted(set(codes))}")
    assert 503 in codes, f"{len(codes)} INVITEs and none met the socket guard"
    assert set(codes) <= {486, 487, 503, 603}, sorted(set(codes))

    async def overloads() -> int:  # the totals are reported after a poll, a moment later
        return sum(r.count for r in target.phone.state().refused
                   if r.reason is RefusalReason.OVERLOAD)

    assert await eventually(overloads, lambda n: n == codes.count(503), timeout_s=10)
    await assert_survived(target, caplog)
