"""The request gate on loopback: a registering account whose "registrar" is a test
socket (so requests from that socket come from the registrar), strangers on other
ports, and what pjsua would have done without the gate."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest

from tests.lab.sipwire import SipMessage, UdpSipClient, build_request
from tests.sip.conftest import Lab
from tuiphone.model.account import AccountConfig
from tuiphone.model.events import (
    IncomingCall,
    MessageReceived,
    MwiChanged,
    RequestFilter,
    RequestRefused,
    SipTrace,
)
from tuiphone.model.trust import RefusalReason, TrustConfig, Vouch
from tuiphone.sip import gate_native

pytestmark = pytest.mark.pjsua
HOST = "127.0.0.1"


@dataclass
class Site:
    lab: Lab
    server: UdpSipClient  # the account's registrar/outbound proxy
    port: int  # where the account listens

    def request(self, client: UdpSipClient, method: str, user: str = "alice",
                **kwargs: object) -> str:
        return build_request(method, f"sip:{user}@{HOST}:{self.port}",
                             local_port=client.local_port, **kwargs)  # type: ignore[arg-type]

    async def ask(self, client: UdpSipClient, text: str) -> SipMessage:
        return await asyncio.to_thread(client.final_response, text, HOST, self.port, 5.0)


@pytest.fixture
async def site(lab: Lab) -> AsyncIterator[Site]:
    with UdpSipClient() as server:
        cfg = AccountConfig(id="alice", uri=f"sip:alice@{HOST}",
                            registrar=f"sip:{HOST}:{server.local_port}", register_expires=60)
        contact = await lab.backend.add_account(cfg, "pw")
        yield Site(lab, server, int(contact.rsplit(":", 1)[1]))


def contact(client: UdpSipClient) -> tuple[str, str]:
    return "Contact", f"<sip:caller@{HOST}:{client.local_port}>"


async def refused(lab: Lab, reason: RefusalReason, count: int = 1) -> RequestRefused:
    event: RequestRefused = await lab.events.wait(
        lambda e: isinstance(e, RequestRefused) and e.refusals.reason is reason
        and e.refusals.count >= count
    )
    return event


async def test_the_pjsip_module_is_in_charge(lab: Lab) -> None:
    event = await lab.events.wait(lambda e: isinstance(e, RequestFilter))
    assert event.mode == "pjsip-module"


async def test_a_stranger_gets_403_and_nothing_rings(site: Site) -> None:
    with UdpSipClient() as stranger:
        invite = site.request(stranger, "INVITE", from_uri="sip:100@198.51.100.1",
                              headers=[("User-Agent", "friendly-scanner")])
        reply = await site.ask(stranger, invite)
        message = site.request(stranger, "MESSAGE", from_uri=f"sip:bob@{HOST}",
                               headers=[("Content-Type", "text/plain")], body="it's bob")
        reply_msg = await site.ask(stranger, message)
    assert (reply.code, reply_msg.code) == (403, 403)
    event = await refused(site.lab, RefusalReason.SOURCE, 2)
    assert event.refusals.source == HOST
    assert event.refusals.account_id == "alice"
    assert event.refusals.method == "MESSAGE"
    assert not site.lab.events.of(IncomingCall)
    assert not site.lab.events.of(MessageReceived)
    # refused requests never reach pjsua's logger, and the gate's 403 is not traced
    assert not [e for e in site.lab.events.of(SipTrace) if "friendly-scanner" in e.entry.text]
    assert not [e for e in site.lab.events.of(SipTrace) if e.entry.text.startswith("SIP/2.0 403")]


async def test_a_forged_mwi_notify_is_refused(site: Site) -> None:
    with UdpSipClient() as stranger:
        notify = site.request(
            stranger, "NOTIFY", from_uri=f"sip:voicemail@{HOST}",
            headers=[("Event", "message-summary"), ("Subscription-State", "active"),
                     ("Content-Type", "application/simple-message-summary")],
            body="Messages-Waiting: yes\r\nVoice-Message: 9/0\r\n",
        )
        assert (await site.ask(stranger, notify)).code == 403
    await refused(site.lab, RefusalReason.SOURCE)
    assert not site.lab.events.of(MwiChanged)


async def test_the_registrar_gets_in(site: Site) -> None:
    message = site.request(site.server, "MESSAGE", from_uri=f"sip:bob@{HOST}",
                           headers=[("Content-Type", "text/plain")], body="real bob")
    assert (await site.ask(site.server, message)).code == 200
    received = await site.lab.events.wait(lambda e: isinstance(e, MessageReceived))
    assert received.message.body == "real bob"


async def test_the_registrar_cannot_ring_a_made_up_user(site: Site) -> None:
    invite = site.request(site.server, "INVITE", user="100", from_uri="sip:x@198.51.100.1")
    assert (await site.ask(site.server, invite)).code == 403
    event = await refused(site.lab, RefusalReason.USER)
    assert event.refusals.method == "INVITE"
    assert not site.lab.events.of(IncomingCall)


async def test_a_request_with_a_to_tag_is_left_to_the_dialog_layer(site: Site) -> None:
    with UdpSipClient() as stranger:
        bye = site.request(stranger, "BYE", from_uri="sip:x@198.51.100.1")
        bye = bye.replace(f"To: <sip:alice@{HOST}:{site.port}>",
                          f"To: <sip:alice@{HOST}:{site.port}>;tag=nosuchdialog")
        assert (await site.ask(stranger, bye)).code == 481


async def test_trusted_pai_is_shown_as_verified(site: Site) -> None:
    invite = site.request(
        site.server, "INVITE", from_uri="sip:+15550001@carrier.example",
        headers=[contact(site.server), ("P-Asserted-Identity",
                  '"Bob Verified" <sip:+15550001;verstat=TN-Validation-Passed@carrier.example>')],
    )
    await asyncio.to_thread(site.server.send, invite, HOST, site.port)
    incoming = await site.lab.events.wait(lambda e: isinstance(e, IncomingCall))
    identity = incoming.call.identity
    assert identity is not None
    assert identity.vouch is Vouch.PASSED
    assert identity.verstat == "TN-Validation-Passed"
    assert identity.asserted_by == "P-Asserted-Identity"
    assert incoming.call.remote_name == "Bob Verified"
    await site.lab.backend.hangup(incoming.call.id, 486)


async def test_accept_from_a_listed_address(lab: Lab) -> None:
    with UdpSipClient() as server, UdpSipClient() as listed:
        trust = TrustConfig(accept_from=("registrar", f"{HOST}/32"))
        cfg = AccountConfig(id="alice", uri=f"sip:alice@{HOST}", trust=trust,
                            registrar=f"sip:{HOST}:{server.local_port}", register_expires=60)
        port = int((await lab.backend.add_account(cfg, "pw")).rsplit(":", 1)[1])
        invite = build_request("INVITE", f"sip:alice@{HOST}:{port}",
                               local_port=listed.local_port, from_uri="sip:pbx2@127.0.0.1",
                               headers=[contact(listed),
                                        ("P-Asserted-Identity", "<sip:carol@pbx.example>")])
        await asyncio.to_thread(listed.send, invite, HOST, port)
        incoming = await lab.events.wait(lambda e: isinstance(e, IncomingCall))
    assert incoming.call.remote_uri == "sip:carol@pbx.example"
    assert incoming.call.identity.vouch is Vouch.VERIFIED
    await lab.backend.hangup(incoming.call.id, 486)


async def test_silent_leaves_a_stranger_without_an_answer(lab: Lab) -> None:
    with UdpSipClient() as server, UdpSipClient() as stranger:
        cfg = AccountConfig(id="alice", uri=f"sip:alice@{HOST}", trust=TrustConfig(silent=True),
                            registrar=f"sip:{HOST}:{server.local_port}", register_expires=60)
        port = int((await lab.backend.add_account(cfg, "pw")).rsplit(":", 1)[1])
        options = build_request("OPTIONS", f"sip:100@{HOST}:{port}",
                                local_port=stranger.local_port, from_uri="sip:scan@x")
        stranger.send(options, HOST, port)
        await refused(lab, RefusalReason.SOURCE)
        # the gate answers synchronously, before the event leaves the pjsip thread
        stranger.sock.setblocking(False)
        with pytest.raises(BlockingIOError):
            stranger.sock.recv(4096)


async def test_a_direct_account_takes_anyone_with_from_unverified(lab: Lab) -> None:
    port = int((await lab.add("tester")).rsplit(":", 1)[1])
    with UdpSipClient() as peer:
        invite = build_request("INVITE", f"sip:tester@{HOST}:{port}", local_port=peer.local_port,
                               from_uri="sip:mallory@198.51.100.9",
                               headers=[contact(peer),
                                        ("P-Asserted-Identity", "<sip:ceo@bank.example>")])
        await asyncio.to_thread(peer.send, invite, HOST, port)
        incoming = await lab.events.wait(lambda e: isinstance(e, IncomingCall))
    assert incoming.call.remote_uri == "sip:mallory@198.51.100.9"
    assert incoming.call.identity.vouch is Vouch.UNVERIFIED
    assert incoming.call.identity.asserted_by == ""
    await lab.backend.hangup(incoming.call.id, 486)


@pytest.fixture
def broken_offsets(monkeypatch: pytest.MonkeyPatch) -> None:
    """The module reads the source port from the wrong place: the probe must notice."""
    monkeypatch.setattr(gate_native, "RX_SRC_PORT", gate_native.RX_SRC_PORT + 4)


@pytest.mark.usefixtures("broken_offsets")
async def test_a_failed_probe_falls_back_to_the_callbacks(site: Site) -> None:
    event = await site.lab.events.wait(lambda e: isinstance(e, RequestFilter))
    assert event.mode == "callbacks"
    with UdpSipClient() as stranger:
        invite = site.request(stranger, "INVITE", from_uri="sip:100@198.51.100.1",
                              headers=[contact(stranger)])
        reply = await site.ask(stranger, invite)
        message = site.request(stranger, "MESSAGE", from_uri=f"sip:bob@{HOST}",
                               headers=[("Content-Type", "text/plain")], body="forged")
        reply_msg = await site.ask(stranger, message)
    assert reply.code == 403  # refused in onIncomingCall, before anything rang
    assert reply_msg.code == 200  # pjsua answered before the callback: dropped there
    await refused(site.lab, RefusalReason.SOURCE, 2)
    assert not site.lab.events.of(IncomingCall)
    assert not site.lab.events.of(MessageReceived)


def test_the_module_struct_mirror_has_the_2_15_1_size() -> None:
    import ctypes

    assert ctypes.sizeof(gate_native.Module) == gate_native.MODULE_SIZE


async def test_the_probe_passes_over_ipv6() -> None:
    """Bound to ::1, the stack's probe comes from an IPv6 source (src_name, UDP6)."""
    from tests.sip.helpers import Events
    from tuiphone.model.backend import BackendSettings
    from tuiphone.sip import PjBackend

    if not socket.has_ipv6:
        pytest.skip("no IPv6 sockets here")
    backend, events = PjBackend(), Events()
    await backend.start(BackendSettings(bind_address="::1"), events)
    try:
        event = await events.wait(lambda e: isinstance(e, RequestFilter))
    finally:
        await backend.stop()
    assert event.mode == "pjsip-module"
