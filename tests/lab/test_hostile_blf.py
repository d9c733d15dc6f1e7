"""Broken and hostile dialog-info bodies inside a real BLF subscription: the engine
subscribes to a notifier made of one raw UDP socket, which sends an XML bomb, an
external entity, cut and foreign XML, and garbage between two good NOTIFYs. Each is
refused (488) without a traceback; the lamp keeps its last good state and still follows
the next good NOTIFY (the subscription survives)."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field, replace

import pjsua2  # noqa: F401 - a hard dependency: missing, the lab must fail, not skip
import pytest

from tests.lab.engine_harness import Watch, direct_account
from tests.lab.hostile import BOMB, EXTERNAL
from tests.lab.sipwire import SipMessage, UdpSipClient
from tuiphone.config.schema import QuickDialEntry
from tuiphone.model.account import Features
from tuiphone.model.events import LampChanged
from tuiphone.model.lamp import LampState

pytestmark = [pytest.mark.lab, pytest.mark.pjsua]
NS = "urn:ietf:params:xml:ns:dialog-info"


def dialog_info(version: int, state: str) -> bytes:
    return (f'<?xml version="1.0"?>\n<dialog-info xmlns="{NS}" version="{version}" '
            f'state="full" entity="sip:lamp@127.0.0.1"><dialog id="d1" call-id="c1" '
            f'direction="initiator"><state>{state}</state></dialog></dialog-info>').encode()


BAD = {
    "XML bomb": BOMB.replace("<presence xmlns=\"urn:ietf:params:xml:ns:pidf\"",
                             f'<dialog-info xmlns="{NS}" version="7" state="full"').encode(),
    "external entity": EXTERNAL.encode(),
    "cut short": dialog_info(8, "terminated")[:90],
    "not dialog-info": b'<?xml version="1.0"?><presence xmlns="urn:ietf:params:xml:ns:pidf"/>',
    "garbage": b"\x00\xff<<<>>>&&&" * 20,
}


@dataclass
class Notifier:
    """The far end of one dialog-event subscription, on 127.0.0.1."""

    client: UdpSipClient = field(default_factory=UdpSipClient)
    call_id: str = ""
    watcher: str = ""  # the SUBSCRIBE's From (with its tag): our NOTIFYs' To
    me: str = ""  # the SUBSCRIBE's To: our From, with our tag
    target: str = ""  # the SUBSCRIBE's Contact: our NOTIFYs' Request-URI
    peer: tuple[str, int] = ("127.0.0.1", 0)
    cseq: int = 0

    @property
    def uri(self) -> str:
        return f"sip:lamp@127.0.0.1:{self.client.local_port}"

    def accept(self, timeout_s: float = 20.0) -> None:
        sub = self.client.receive_request(timeout_s, "SUBSCRIBE")
        self.call_id, self.watcher = sub.header("call-id"), sub.header("from")
        self.me = sub.header("to") + ";tag=notifier"
        self.target = sub.header("contact").strip("<>").split(">", 1)[0]
        via = sub.header("via").split(None, 1)[1].split(";", 1)[0]
        host, _, port = via.rpartition(":")
        self.peer = (host, int(port))
        self._respond(sub, 200, "OK", ("Expires: 300", f"Contact: <{self.uri}>"))

    def _respond(self, req: SipMessage, code: int, reason: str, extra: tuple[str, ...]) -> None:
        lines = [f"SIP/2.0 {code} {reason}", f"Via: {req.header('via')}",
                 f"From: {req.header('from')}", f"To: {self.me}",
                 f"Call-ID: {req.header('call-id')}", f"CSeq: {req.header('cseq')}", *extra,
                 "Content-Length: 0"]
        self.client.send("\r\n".join(lines) + "\r\n\r\n", *self.peer)

    def notify(self, body: bytes, timeout_s: float = 10.0) -> int:
        """Send one NOTIFY in the subscription; the final answer's code."""
        self.cseq += 1
        head = "\r\n".join([
            f"NOTIFY {self.target} SIP/2.0",
            f"Via: SIP/2.0/UDP 127.0.0.1:{self.client.local_port};rport;"
            f"branch=z9hG4bKn{self.cseq}{self.call_id[:8]}",
            "Max-Forwards: 70", f"From: {self.me}", f"To: {self.watcher}",
            f"Call-ID: {self.call_id}", f"CSeq: {self.cseq} NOTIFY", f"Contact: <{self.uri}>",
            "Event: dialog", "Subscription-State: active;expires=300",
            "Content-Type: application/dialog-info+xml", f"Content-Length: {len(body)}"])
        self.client.send(head.encode() + b"\r\n\r\n" + body, *self.peer)
        while True:
            resp = self.client.receive(timeout_s)
            if resp.header("call-id") == self.call_id and resp.header("cseq").startswith(
                    f"{self.cseq} "):
                return resp.code


def lamp_is(uri: str, state: LampState):
    return lambda e: isinstance(e, LampChanged) and e.lamp.uri == uri and e.lamp.state is state


async def test_hostile_dialog_info_bodies_leave_the_lamp_working(phone_factory, caplog):
    caplog.set_level(logging.INFO, logger="tuiphone")
    notifier = Notifier()
    try:
        phone = await phone_factory(
            replace(direct_account("carol"), features=Features(blf=True)),
            quickdial=(QuickDialEntry(label="lamp", uri=notifier.uri, blf=True),))
        watch = Watch(phone)
        await asyncio.to_thread(notifier.accept)
        assert await asyncio.to_thread(notifier.notify, dialog_info(1, "confirmed")) == 200
        await watch.wait(lamp_is(notifier.uri, LampState.BUSY))

        for name, body in BAD.items():
            code = await asyncio.to_thread(notifier.notify, body)
            # pjsip's own dialog-info parser refuses them before tuiphone's hook sees
            # them; sip/blf/body.py (defusedxml, tests/blf) is the second line
            assert code == 488, f"{name}: {code}"
        assert [la.state for la in await phone.lamps() if la.uri == notifier.uri] == [
            LampState.BUSY], "a bad body changed the lamp"

        assert await asyncio.to_thread(notifier.notify, dialog_info(9, "terminated")) == 200
        await watch.wait(lamp_is(notifier.uri, LampState.IDLE))
    finally:
        notifier.client.close()
    loud = [r.getMessage() for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]
    assert loud == []
