"""A corpus of malformed and hostile SIP for the engine, and a raw TCP sender.

Each case is a request built for one transport ("UDP" or "TCP") from the sender's
address; ``answer`` is what the engine must reply (a set of codes, or None when the
right thing is to drop it silently). Everything goes to 127.0.0.1 only.
"""

from __future__ import annotations

import contextlib
import os
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass

from tests.lab.sipwire import SipMessage, build_request, parse_message

BOMB = """<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY l1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY l2 "&l1;&l1;&l1;&l1;&l1;&l1;&l1;&l1;"><!ENTITY l3 "&l2;&l2;&l2;&l2;&l2;&l2;&l2;&l2;">
<!ENTITY l4 "&l3;&l3;&l3;&l3;&l3;&l3;&l3;&l3;"><!ENTITY l5 "&l4;&l4;&l4;&l4;&l4;&l4;&l4;&l4;">]>
<presence xmlns="urn:ietf:params:xml:ns:pidf" entity="&l5;"/>"""
EXTERNAL = """<?xml version="1.0"?>
<!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<dialog-info xmlns="urn:ietf:params:xml:ns:dialog-info" version="1" state="full"
 entity="&x;"><dialog id="1"><state>confirmed</state></dialog></dialog-info>"""
BROKEN_PIDF = '<?xml version="1.0"?><presence xmlns="urn:ietf:params:xml:ns:pidf"><tuple'


@dataclass(frozen=True, slots=True)
class Sender:
    """Who sends: transport, and the address responses go back to."""

    transport: str
    host: str
    port: int
    target: str  # the engine's "host:port"
    user: str  # the account the requests are for

    def request(self, method: str, body: str = "", headers: tuple[tuple[str, str], ...] = (),
                in_dialog: bool = False) -> str:
        """``in_dialog``: a To tag, as if a dialog existed (none does)."""
        text = build_request(method, f"sip:{self.user}@{self.target}", local_port=self.port,
                             from_uri="sip:hostile@127.0.0.1", headers=headers, body=body)
        if in_dialog:
            text = text.replace(">\r\nCall-ID:", ">;tag=nosuchdialog\r\nCall-ID:", 1)
        return text.replace("SIP/2.0/UDP", f"SIP/2.0/{self.transport}", 1)


@dataclass(frozen=True, slots=True)
class Case:
    name: str
    build: Callable[[Sender], bytes]
    answer: frozenset[int] | None  # None: dropped, no answer expected


def _text(build: Callable[[Sender], str]) -> Callable[[Sender], bytes]:
    return lambda s: build(s).encode("utf-8", errors="surrogateescape")


def _dup_headers(s: Sender) -> str:
    req = s.request("OPTIONS", headers=(("Max-Forwards", "70"), ("Max-Forwards", "3"),
                                        ("Accept", "application/sdp")))
    return req.replace("\r\nCSeq:", "\r\nCall-ID: second@127.0.0.1\r\nCSeq:", 1)


def _length_lie(claim: int, body: str) -> Callable[[Sender], str]:
    def build(s: Sender) -> str:
        req = s.request("MESSAGE", body=body, headers=(("Content-Type", "text/plain"),))
        return req.replace(f"Content-Length: {len(body)}", f"Content-Length: {claim}")
    return build


def _mwi(body: str) -> Callable[[Sender], str]:
    return lambda s: s.request("NOTIFY", body=body, headers=(
        ("Event", "message-summary"), ("Subscription-State", "active"),
        ("Content-Type", "application/simple-message-summary")))


def _xml_message(ctype: str, body: str) -> Callable[[Sender], str]:
    return lambda s: s.request("MESSAGE", body=body, headers=(("Content-Type", ctype),))


def _bad_utf8(s: Sender) -> bytes:
    head = s.request("MESSAGE", body="xxx", headers=(("Content-Type", "text/plain;charset=utf-8"),))
    return head.encode()[: -3] + b"\xff\xfe\xfa"


def _dialog_notify(s: Sender) -> str:  # for a subscription that does not exist
    return s.request("NOTIFY", body=EXTERNAL, in_dialog=True, headers=(
        ("Event", "dialog"), ("Subscription-State", "active"),
        ("Content-Type", "application/dialog-info+xml")))


FTHTTP = "application/vnd.gsma.rcs-ft-http+xml"
FT_BOMB = BOMB.replace('<presence xmlns="urn:ietf:params:xml:ns:pidf" entity="&l5;"/>',
                       '<file xmlns="urn:gsma:params:xml:ns:rcs:rcs:fthttp"><file-info '
                       'type="file"><file-name>&l5;</file-name><data url="https://x/"/>'
                       "</file-info></file>")
FT_EXTERNAL = ('<?xml version="1.0"?><!DOCTYPE f [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
               '<file xmlns="urn:gsma:params:xml:ns:rcs:rcs:fthttp"><file-info type="file">'
               '<file-name>&x;</file-name><data url="https://198.18.0.9/f"/></file-info></file>')
FT_HUGE = ('<?xml version="1.0"?><file xmlns="urn:gsma:params:xml:ns:rcs:rcs:fthttp">'
           + "<file-info type='thumbnail'/>" * 120 + "</file>")  # ~3500 bytes, no file
IMDN_BOMB = BOMB.replace('<presence xmlns="urn:ietf:params:xml:ns:pidf" entity="&l5;"/>',
                         '<imdn xmlns="urn:ietf:params:xml:ns:imdn"><message-id>&l5;'
                         "</message-id></imdn>")
IMDN_EXTERNAL = ('<?xml version="1.0"?><!DOCTYPE i [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
                 '<imdn xmlns="urn:ietf:params:xml:ns:imdn"><message-id>&x;</message-id>'
                 "<delivery-notification><status><delivered/></status>"
                 "</delivery-notification></imdn>")
IMDN_HUGE = ('<?xml version="1.0"?><imdn xmlns="urn:ietf:params:xml:ns:imdn"><message-id>'
             + "m" * 3400 + "</message-id></imdn>")


def _cpim_imdn(body: str) -> Callable[[Sender], str]:
    """An IMDN inside message/cpim, as Linphone sends it."""
    def build(s: Sender) -> str:
        cpim = ("From: <sip:hostile@127.0.0.1>\r\nTo: <sip:alice@127.0.0.1>\r\n"
                "NS: imdn <urn:ietf:params:imdn>\r\nimdn.Message-ID: h1\r\n\r\n"
                f"Content-Type: message/imdn+xml\r\nContent-Disposition: notification\r\n"
                f"\r\n{body}")
        return s.request("MESSAGE", body=cpim, headers=(("Content-Type", "message/cpim"),))
    return build


OK = frozenset({200, 202})
# Bodies a chat peer may send: file-transfer descriptions and delivery notifications.
# Each is answered 200 and becomes one readable line (a "[file refused: ...]" message
# or a warning Notice), never a traceback, never an expanded entity.
FILE_BODIES: tuple[Case, ...] = (
    Case("fthttp XML bomb", _text(_xml_message(FTHTTP, FT_BOMB)), OK),
    Case("fthttp external entity", _text(_xml_message(FTHTTP, FT_EXTERNAL)), OK),
    Case("fthttp huge, no file", _text(_xml_message(FTHTTP, FT_HUGE)), OK),
)
RECEIPT_BODIES: tuple[Case, ...] = (
    Case("IMDN XML bomb", _text(_xml_message("message/imdn+xml", IMDN_BOMB)), OK),
    Case("IMDN external entity", _text(_xml_message("message/imdn+xml", IMDN_EXTERNAL)), OK),
    Case("IMDN huge", _text(_xml_message("message/imdn+xml", IMDN_HUGE)), OK),
    Case("IMDN bomb in CPIM", _text(_cpim_imdn(IMDN_BOMB)), OK),
)
CORPUS: tuple[Case, ...] = (
    Case("garbage", lambda s: b"\x00\xff" * 200 + b"\r\n\r\n", None),
    Case("duplicate headers", _text(_dup_headers), frozenset({200, 400})),
    Case("huge header", _text(lambda s: s.request(
        "OPTIONS", headers=(("Subject", "x" * 3300),))), frozenset({200})),
    Case("over the 4000-byte cap", _text(lambda s: s.request(
        "MESSAGE", body="y" * 5000, headers=(("Content-Type", "text/plain"),))), None),
    Case("Content-Length larger than the body", _text(_length_lie(400, "short")), None),
    Case("Content-Length smaller than the body", _text(_length_lie(2, "longer body")),
         OK | {400}),
    # pjsua drops out-of-dialog requests no module handles (RFC 3261 would say 501)
    Case("unknown method", _text(lambda s: s.request("FROBNICATE")), None),
    Case("unknown method in a dialog", _text(lambda s: s.request("FROBNICATE", in_dialog=True)),
         frozenset({481})),
    Case("MESSAGE not UTF-8", _bad_utf8, OK),
    Case("MWI without a summary", _text(_mwi("<?xml version='1.0'?><x/>")), OK),
    Case("MWI absurd counts", _text(_mwi(
        "Messages-Waiting: yes\r\nVoice-Message: " + "9" * 2000 + "/1\r\n")), OK),
    Case("pidf XML bomb", _text(_xml_message("application/pidf+xml", BOMB)), OK),
    Case("broken pidf", _text(_xml_message("application/pidf+xml", BROKEN_PIDF)), OK),
    Case("dialog-info external entity", _text(_dialog_notify), frozenset({481, 489})),
    Case("BYE for an unknown dialog", _text(lambda s: s.request("BYE", in_dialog=True)),
         frozenset({481})),
)


def read_tcp_message(sock: socket.socket, timeout_s: float) -> SipMessage:
    """One SIP message off a stream (head, then Content-Length bytes); skips CRLF
    keep-alives. Raises TimeoutError."""
    deadline = time.monotonic() + timeout_s
    data = b""
    while True:
        head, sep, rest = data.lstrip(b"\r\n").partition(b"\r\n\r\n")
        if sep:
            msg = parse_message(head + sep)
            length = int(msg.header("content-length") or msg.header("l") or 0)
            if len(rest) >= length:
                return parse_message(head + sep + rest[:length])
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError("no SIP message in time on TCP")
        sock.settimeout(left)
        try:
            chunk = sock.recv(65536)
        except TimeoutError as err:
            raise TimeoutError("no SIP message in time on TCP") from err
        if not chunk:
            raise ConnectionError("the engine closed the TCP connection")
        data += chunk


def own_tcp_listeners() -> set[int]:
    """The ports this process listens on over TCP/IPv4 (its sockets' inodes matched
    against /proc/net/tcp): where the in-process engine takes SIP over TCP."""
    inodes = set()
    for fd in os.listdir("/proc/self/fd"):
        with contextlib.suppress(OSError):
            link = os.readlink(f"/proc/self/fd/{fd}")
            if link.startswith("socket:["):
                inodes.add(link[8:-1])
    ports = set()
    with open("/proc/net/tcp") as table:
        for row in table.read().splitlines()[1:]:
            cols = row.split()
            if cols[3] == "0A" and cols[9] in inodes:  # 0A: LISTEN
                ports.add(int(cols[1].rsplit(":", 1)[1], 16))
    return ports
