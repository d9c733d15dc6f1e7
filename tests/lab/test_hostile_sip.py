"""Hostile SIP against a registered engine with a call up: the corpus in
tests/lab/hostile.py over UDP and TCP, INVITEs with bad SDP, a short OPTIONS flood,
and a SIPp UAC that CANCELs after the 200 (scenarios/uac_cancel_after_200.xml).

Outcome every time: the engine answers what deserves an answer, registration and
the ongoing call survive (RTP keeps flowing, a re-REGISTER works), and a bad body is
one log line, never a traceback."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
import struct
import time
from dataclasses import dataclass, replace
from typing import Any

import pjsua2  # noqa: F401 - a hard dependency: missing, the lab must fail, not skip
import pytest

from tests.lab.engine_harness import Watch, direct_account, eventually, lab_account
from tests.lab.hostile import CORPUS, OK, Case, Sender, own_tcp_listeners, read_tcp_message
from tests.lab.sipp import scenario
from tests.lab.sipwire import UdpSipClient, ack_for, build_request, parse_message
from tests.lab.test_engine_lab import contact_hostport
from tuiphone.model.account import RegState, Transport
from tuiphone.model.call import CallState
from tuiphone.model.events import IncomingCall, MessageReceived
from tuiphone.model.trust import TrustConfig

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
    phone = await phone_factory(
        lab_account(kamailio, "alice", trust=listed),
        lab_account(kamailio, "bob", transport=Transport.TCP, trust=listed),
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


@pytest.mark.parametrize("method", list(FLOOD))
async def test_flood(target: Target, caplog, method: str) -> None:
    """1000 requests in one second; the engine answers them and survives."""
    host, port = target.udp
    headers, body = FLOOD[method]

    def flood(client: UdpSipClient) -> None:
        start = time.perf_counter()
        for n in range(1000):
            client.send(build_request(method, f"sip:alice@{host}:{port}",
                                      local_port=client.local_port, headers=headers,
                                      from_uri="sip:flood@127.0.0.1", body=body), host, port)
            ahead = start + n / 1000 - time.perf_counter()
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

    with UdpSipClient() as client:
        # room for every answer: a reader thread on a loaded machine falls behind, and
        # answers the test's own socket drops are no fault of the engine
        client.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 * 1024 * 1024)
        counting = asyncio.ensure_future(asyncio.to_thread(answers, client))
        await asyncio.to_thread(flood, client)
        answered = await counting
    # Most are answered (1000 of 1000 on an idle machine); with the CPU taken by other
    # work the engine's UDP socket overflows and drops some (918 MESSAGEs with two busy
    # loops beside it). The point is that the flood never stops the engine: it still
    # answers, stays registered and keeps its call (assert_survived).
    assert answered >= 500, f"{answered} of 1000 {method}s answered"
    await assert_survived(target, caplog)


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
