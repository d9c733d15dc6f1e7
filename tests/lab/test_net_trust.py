"""The request gate against a scanner on its own far host: sipvicious (svmap, svwar -m
INVITE) and hand-made forged MESSAGE/NOTIFY/REFER aimed straight at the phone's port.
Nothing rings, nothing is stored, the voicemail lamp stays dark, the refusals are
counted per source; bob's real call and message through Kamailio still arrive."""

from __future__ import annotations

import asyncio
import logging
import re
import sys
from dataclasses import replace
from pathlib import Path

import pjsua2  # noqa: F401 - a hard dependency: missing, the lab must fail, not skip
import pytest

from tests.lab.digest import send_with_auth
from tests.lab.engine_harness import Watch, direct_account, eventually
from tests.lab.net_phone import far_account, registered
from tests.lab.sipwire import SipMessage, UdpSipClient, build_request, uri_host
from tuiphone.model.call import CallState
from tuiphone.model.codec import event_to_jsonable, to_jsonable
from tuiphone.model.events import Event, IncomingCall, MessageReceived, RequestRefused
from tuiphone.model.rules import CallRules
from tuiphone.model.trust import RefusalReason, TrustConfig, Vouch

pytestmark = [pytest.mark.lab, pytest.mark.pjsua]

FLOOD = Path(__file__).with_name("net") / "flood.py"
FLOOD_RATE = 10_000  # INVITEs a second: 50,000 last 5 s, longer than bob's call (asserted)
MWI_BODY = "Messages-Waiting: yes\r\nMessage-Account: sip:alice@lab\r\nVoice-Message: 9/0\r\n"


@pytest.fixture
def far(netlab):
    return netlab.far(v6=False)


@pytest.fixture
def scanner(netlab):
    """The stranger: a far host of its own, with no account anywhere."""
    return netlab.far(v6=False)


@pytest.fixture
def kam(far, kamailio_factory):
    return kamailio_factory(host=far, address=far.v4)


@pytest.fixture
def bob(far, kam, baresip_factory):
    return baresip_factory(None, "bob", host=far, registrar=(kam.host, kam.port))


def phone_port(phone, account_id: str = "alice") -> int:
    (acc,) = [a for a in phone.state().accounts if a.id == account_id]
    found = re.search(r":(\d+)(?:[;>]|$)", acc.contact)
    assert found, acc.contact
    return int(found.group(1))


def target(netlab, scanner) -> str:
    """The phone as the scanner sees it: root's end of the scanner's own link (the
    phone listens on every address)."""
    return netlab.uplink(scanner).root_v4


def refused_from(source: str, at_least: int = 1, reason: RefusalReason | None = None):
    def match(ev: Event) -> bool:
        return (isinstance(ev, RequestRefused) and ev.refusals.source == source
                and ev.refusals.count >= at_least
                and (reason is None or ev.refusals.reason is reason))
    return match


def forged(method: str, host: str, port: int, client: UdpSipClient, kam, **kw) -> str:
    return build_request(method, f"sip:alice@{uri_host(host)}:{port}",
                         local_port=client.local_port, local_host=client.local_host,
                         from_uri=kam.aor("bob"), to_uri=kam.aor("alice"), **kw)


def send_forgeries(scanner, host: str, port: int, kam) -> list[SipMessage]:
    """A MESSAGE "from bob", an unsolicited message-summary NOTIFY and a REFER, each
    straight from the scanner; their final answers."""
    sock = scanner.socket()
    sock.bind((scanner.v4, 0))
    with UdpSipClient(sock=sock) as client:
        requests = [
            forged("MESSAGE", host, port, client, kam, body="forged: call me at 555",
                   headers=[("Content-Type", "text/plain")]),
            forged("NOTIFY", host, port, client, kam, body=MWI_BODY,
                   headers=[("Event", "message-summary"), ("Subscription-State", "active"),
                            ("Content-Type", "application/simple-message-summary")]),
            forged("REFER", host, port, client, kam,
                   headers=[("Refer-To", "<sip:900@198.18.0.9>"),
                            ("Contact", f"<sip:x@{client.local_host}:{client.local_port}>")]),
        ]
        return [client.final_response(r, host, port, 10) for r in requests]


def message_from_bob_via_kamailio(far, kam, body: str) -> int:
    sock = far.socket()
    sock.bind((far.v4, 0))
    with UdpSipClient(sock=sock) as client:
        return send_with_auth(client, kam.host, kam.port, "MESSAGE", kam.aor("alice"),
                              from_uri=kam.aor("bob"), credentials=("bob", "bobpw"), body=body,
                              headers=[("Content-Type", "text/plain")], timeout_s=10).code


async def bob_calls_and_alice_answers(phone, watch: Watch, bob, kam) -> float:
    """Seconds from bob's dial to the call being connected (answered by alice)."""
    loop = asyncio.get_running_loop()
    start = loop.time()
    await asyncio.to_thread(bob.dial, kam.aor("alice"))
    incoming = await watch.wait(lambda e: isinstance(e, IncomingCall))
    assert "bob" in incoming.call.remote_uri
    await phone.answer(incoming.call.id)
    await watch.call_state(incoming.call.id, CallState.CONNECTED)
    took = loop.time() - start
    await phone.hangup(incoming.call.id)
    await watch.call_state(incoming.call.id, CallState.ENDED)
    return took


def incoming(watch: Watch) -> list[IncomingCall]:
    return [e for e in watch.seen if isinstance(e, IncomingCall)]


async def test_a_scanner_gets_nothing_in_and_bob_still_does(netlab, far, scanner, kam, bob,
                                                             phone_factory):
    phone = await phone_factory(far_account(kam, "alice"))
    watch = await registered(phone, "alice")
    assert phone.state().request_filter == "pjsip-module"
    host, port = target(netlab, scanner), phone_port(phone)
    svmap = await asyncio.to_thread(
        scanner.run, ["svmap", "-p", str(port), host], check=False, timeout=60)
    svwar = await asyncio.to_thread(
        scanner.run, ["svwar", "-m", "INVITE", "--force", "-e", "100-140", "-p", str(port),
                      "-x", scanner.v4, host], check=False, timeout=120)
    assert "Traceback" not in svmap.stderr + svwar.stderr
    assert "found nothing" in svwar.stderr, svwar.stderr  # no extension rang: none found
    answers = await asyncio.to_thread(send_forgeries, scanner, host, port, kam)
    assert [a.code for a in answers] == [403, 403, 403]
    # svmap's OPTIONS, svwar's INVITE and the three forgeries, refused for their source
    event = await watch.wait(refused_from(scanner.v4, at_least=5, reason=RefusalReason.SOURCE))
    assert event_to_jsonable(event)["event"] == "request_refused"  # as `events` prints it
    # then the real ones, after the scanner: whatever it caused was reported before
    assert await asyncio.to_thread(message_from_bob_via_kamailio, far, kam, "real") == 200
    real = await watch.wait(lambda e: isinstance(e, MessageReceived))
    assert real.message.body == "real"
    await bob_calls_and_alice_answers(phone, watch, bob, kam)
    assert [len(incoming(watch))] == [1]  # bob's only: nothing from the scanner rang
    assert [m.body for m in await phone.messages()] == ["real"]
    assert not any(m.waiting for m in phone.state().mwi)
    totals = {(r.source, r.reason): r for r in phone.state().refused}
    counted = totals[(scanner.v4, RefusalReason.SOURCE)]
    assert counted.count >= 5
    assert counted.method in {"MESSAGE", "NOTIFY", "REFER"}
    assert (far.v4, RefusalReason.SOURCE) not in totals  # Kamailio was never refused
    status = to_jsonable(phone.state())  # what `status --json` prints
    assert {(r["source"], r["reason"]) for r in status["refused"]} == {(scanner.v4, "source")}


async def test_silent_leaves_a_stranger_unanswered(netlab, far, scanner, kam, phone_factory):
    phone = await phone_factory(far_account(kam, "alice", trust=TrustConfig(silent=True)))
    watch = await registered(phone, "alice")
    host, port = target(netlab, scanner), phone_port(phone)
    sock = scanner.socket()
    sock.bind((scanner.v4, 0))
    with UdpSipClient(sock=sock) as client:
        client.send(forged("INVITE", host, port, client, kam), host, port)
        await watch.wait(refused_from(scanner.v4))
        # refused and reported: nothing was sent back (pjsip answers on its own thread
        # before the report, so an answer would be in the socket already)
        client.sock.setblocking(False)
        with pytest.raises(BlockingIOError):
            client.sock.recvfrom(65535)
    assert not incoming(watch)


async def test_accept_from_any_rings_for_a_direct_call(netlab, scanner, phone_factory):
    """An account that does not register takes calls from anyone (direct IP calling)."""
    phone = await phone_factory(direct_account("tester"))
    watch = Watch(phone)
    host, port = target(netlab, scanner), phone_port(phone, "tester")
    sock = scanner.socket()
    sock.bind((scanner.v4, 0))
    with UdpSipClient(sock=sock) as client:
        client.send(build_request("INVITE", f"sip:tester@{host}:{port}",
                                  local_port=client.local_port, local_host=client.local_host,
                                  from_uri=f"sip:caller@{scanner.v4}", headers=[
                                      ("Contact", f"<sip:caller@{scanner.v4}:{client.local_port}>")
                                  ]), host, port)
        rang = await watch.wait(lambda e: isinstance(e, IncomingCall))
        assert rang.call.identity is not None
        assert rang.call.identity.vouch is Vouch.UNVERIFIED
        await phone.hangup(rang.call.id)
    assert not phone.state().refused


async def test_a_flood_keeps_the_registration_and_bob_gets_through(
        netlab, far, scanner, kam, bob, phone_factory, caplog, tmp_path):
    caplog.set_level(logging.WARNING, logger="tuiphone.sip.gate")
    phone = await phone_factory(far_account(kam, "alice"))
    watch = await registered(phone, "alice")
    host, port = target(netlab, scanner), phone_port(phone)
    log = tmp_path / "flood.log"
    flood = scanner.spawn([sys.executable, str(FLOOD), scanner.v4, host, str(port),
                           str(FLOOD_RATE), "50000"], log)
    await watch.wait(refused_from(scanner.v4, reason=RefusalReason.RATE))
    took = await bob_calls_and_alice_answers(phone, watch, bob, kam)
    assert flood.poll() is None, "the flood ended before bob's call was answered"
    assert await asyncio.to_thread(flood.wait, 60) == 0
    sent = int(log.read_text().split()[-1])
    assert sent >= 50_000
    assert took < 2.0, f"bob's call took {took:.2f}s during the flood"
    (acc,) = phone.state().accounts
    assert acc.reg_state.value == "registered"
    assert not [e for e in watch.seen if getattr(getattr(e, "account", None), "reg_state", None)
                and e.account.reg_state.value == "failed"]  # type: ignore[attr-defined]
    refused = await eventually(_state_refused(phone, scanner.v4), lambda n: n >= 1000)
    assert refused >= 1000
    lines = [r.getMessage() for r in caplog.records if scanner.v4 in r.getMessage()]
    assert len(lines) == 1, lines  # one line a minute per source, not one per packet
    assert re.match(rf"refused \d+ requests? from {re.escape(scanner.v4)} \(", lines[0])


def _state_refused(phone, source: str):
    async def probe() -> int:
        return sum(r.count for r in phone.state().refused if r.source == source)
    return probe


async def test_each_account_keeps_its_own_rules(netlab, far, scanner, kam, phone_factory):
    """alice registers (only her registrar may reach her); the trunk line takes calls
    from the scanner's address, which it lists, but its blocklist still answers 603; a
    request for a user no account has is refused."""
    trunk = replace(direct_account("trunk"), trust=TrustConfig(accept_from=(scanner.v4,)),
                    rules=CallRules(blocklist=("666*",)))
    phone = await phone_factory(far_account(kam, "alice"), trunk)
    watch = await registered(phone, "alice")
    host, port = target(netlab, scanner), phone_port(phone, "trunk")
    sock = scanner.socket()
    sock.bind((scanner.v4, 0))

    def invite(client: UdpSipClient, user: str, caller: str) -> str:
        return build_request("INVITE", f"sip:{user}@{host}:{port}",
                             local_port=client.local_port, local_host=client.local_host,
                             from_uri=f"sip:{caller}@{scanner.v4}", headers=[
                                 ("Contact", f"<sip:{caller}@{scanner.v4}:{client.local_port}>")])

    with UdpSipClient(sock=sock) as client:
        to_alice = await asyncio.to_thread(
            client.final_response, invite(client, "alice", "caller"), host, port, 10)
        blocked = await asyncio.to_thread(
            client.final_response, invite(client, "trunk", "6661234"), host, port, 10)
        nobody = await asyncio.to_thread(
            client.final_response, invite(client, "100", "caller"), host, port, 10)
        assert [to_alice.code, blocked.code, nobody.code] == [403, 603, 403]
        client.send(invite(client, "trunk", "caller"), host, port)
        rang = await watch.wait(lambda e: isinstance(e, IncomingCall))
        assert (rang.call.account_id, rang.call.remote_uri) == ("trunk",
                                                                f"sip:caller@{scanner.v4}")
        await phone.hangup(rang.call.id)
    assert [e.call.account_id for e in incoming(watch)] == ["trunk"]  # alice never rang
    history = {h.reason for h in await phone.history()}
    assert "blocked (666*) (603)" in history
    reasons = {r.reason for r in phone.state().refused if r.source == scanner.v4}
    assert RefusalReason.SOURCE in reasons
