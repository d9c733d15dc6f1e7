"""Raw SIP over UDP: build a request, send it, read replies. No SIP stack involved.

Used for readiness probes, hand-made digest REGISTERs, MWI NOTIFYs and malformed
traffic. Every wait is bounded by a socket timeout.
"""

from __future__ import annotations

import secrets
import socket
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from tests.lab.procs import HOST


@dataclass(frozen=True, slots=True)
class SipMessage:
    """A parsed SIP message: start line, headers (lower-case names, in order), body."""

    start_line: str
    headers: tuple[tuple[str, str], ...]
    body: str
    raw: str

    @property
    def is_response(self) -> bool:
        return self.start_line.startswith("SIP/2.0 ")

    @property
    def code(self) -> int:
        """The status code of a response (0 for a request)."""
        return int(self.start_line.split(" ", 2)[1]) if self.is_response else 0

    @property
    def reason(self) -> str:
        parts = self.start_line.split(" ", 2)
        return parts[2] if self.is_response and len(parts) > 2 else ""

    @property
    def method(self) -> str:
        """The method of a request, or of the CSeq of a response."""
        if not self.is_response:
            return self.start_line.split(" ", 1)[0]
        return self.header("cseq").split(" ")[-1]

    def header(self, name: str) -> str:
        """The first value of header ``name`` (case-insensitive), '' if absent."""
        name = name.lower()
        return next((v for k, v in self.headers if k == name), "")


def parse_message(data: bytes) -> SipMessage:
    """Parse one SIP datagram. Raises ValueError if it is not SIP."""
    text = data.decode("utf-8", errors="replace")
    head, _, body = text.partition("\r\n\r\n")
    lines = head.split("\r\n")
    first = lines[0]
    if not (first.startswith("SIP/2.0 ") or first.endswith(" SIP/2.0")):
        raise ValueError(f"not a SIP message: {first!r}")
    headers = tuple(_split_header(line) for line in lines[1:] if ":" in line)
    return SipMessage(first, headers, body, text)


def _split_header(line: str) -> tuple[str, str]:
    name, _, value = line.partition(":")
    return name.strip().lower(), value.strip()


@dataclass(slots=True)
class UdpSipClient:
    """One UDP socket on 127.0.0.1 that sends requests and collects responses.

    ``local_port`` is where replies come back; Via and Contact point at it.
    """

    sock: socket.socket = field(default_factory=lambda: _bound_socket())

    @property
    def local_port(self) -> int:
        return int(self.sock.getsockname()[1])

    @property
    def local_host(self) -> str:
        """The address the socket is bound to (for Via and Contact)."""
        return str(self.sock.getsockname()[0])

    def close(self) -> None:
        self.sock.close()

    def __enter__(self) -> UdpSipClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def send(self, data: bytes | str, host: str, port: int) -> None:
        self.sock.sendto(data.encode() if isinstance(data, str) else data, (host, port))

    def final_response(
        self, data: bytes | str, host: str, port: int, timeout_s: float = 5.0
    ) -> SipMessage:
        """Send a request and return its first final (>= 200) response.

        Responses to other requests (late retransmissions) and provisionals are
        skipped; a non-2xx final answer to an INVITE is ACKed so it stops
        retransmitting. Raises TimeoutError when none comes in time.
        """
        text = data.decode() if isinstance(data, bytes) else data
        self.send(text, host, port)
        call_id = _header_of(text, "call-id")
        deadline = time.monotonic() + timeout_s
        while True:
            resp = self.receive(deadline - time.monotonic())
            if resp.code < 200 or resp.header("call-id") != call_id:
                continue
            if resp.method == "INVITE" and resp.code >= 300:
                self.send(ack_for(text, resp), host, port)
            return resp

    def receive(self, timeout_s: float) -> SipMessage:
        """The next response datagram (requests and junk are skipped). Raises TimeoutError."""
        return self._next(lambda m: m.is_response, timeout_s)

    def receive_request(self, timeout_s: float, method: str | None = None) -> SipMessage:
        """The next request (of ``method`` if given), skipping everything else."""
        return self._next(lambda m: not m.is_response and method in (None, m.method), timeout_s)

    def reply(self, request: SipMessage, code: int = 200, reason: str = "OK") -> None:
        """Answer ``request`` statelessly, back to its top Via (we only talk over loopback)."""
        copied = ("via", "from", "to", "call-id", "cseq")
        lines = [f"SIP/2.0 {code} {reason}"]
        lines += [f"{k.title()}: {v}" for k, v in request.headers if k in copied]
        host, port = _via_address(request.header("via"))
        self.send("\r\n".join(lines) + "\r\nContent-Length: 0\r\n\r\n", host, port)

    def _next(self, wanted: Callable[[SipMessage], bool], timeout_s: float) -> SipMessage:
        deadline = time.monotonic() + timeout_s
        while (left := deadline - time.monotonic()) > 0:
            self.sock.settimeout(left)
            try:
                data, _ = self.sock.recvfrom(65535)
            except TimeoutError as err:
                raise TimeoutError("no SIP message in time") from err
            try:
                msg = parse_message(data)
            except ValueError:
                continue
            if wanted(msg):
                return msg
        raise TimeoutError("no SIP message in time")


def _header_of(request: str, name: str) -> str:
    head = request.split("\r\n\r\n", 1)[0]
    for line in head.split("\r\n")[1:]:
        key, _, value = line.partition(":")
        if key.strip().lower() == name:
            return value.strip()
    return ""


def ack_for(invite: str, response: SipMessage) -> str:
    """The hop-by-hop ACK for a non-2xx final response to ``invite`` (RFC 3261 17.1.1.3)."""
    uri = invite.split(" ", 2)[1]
    lines = [
        f"ACK {uri} SIP/2.0",
        f"Via: {_header_of(invite, 'via')}",
        "Max-Forwards: 70",
        f"From: {_header_of(invite, 'from')}",
        f"To: {response.header('to')}",
        f"Call-ID: {_header_of(invite, 'call-id')}",
        f"CSeq: {_header_of(invite, 'cseq').split()[0]} ACK",
        "Content-Length: 0",
    ]
    return "\r\n".join(lines) + "\r\n\r\n"


def _via_address(via: str) -> tuple[str, int]:
    sent_by = via.split(None, 1)[1].split(";", 1)[0]
    host, _, port = sent_by.partition(":")
    return host, int(port or 5060)


def _bound_socket() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind((HOST, 0))
    return sock


def new_tag() -> str:
    return secrets.token_hex(6)


def build_request(
    method: str,
    uri: str,
    *,
    local_port: int,
    from_uri: str,
    local_host: str = HOST,
    to_uri: str | None = None,
    call_id: str | None = None,
    cseq: int = 1,
    from_tag: str | None = None,
    headers: Iterable[tuple[str, str]] = (),
    body: str = "",
) -> str:
    """A complete UDP request from ``local_host``:``local_port`` with a fresh branch."""
    via = f"{uri_host(local_host)}:{local_port}"
    lines = [
        f"{method} {uri} SIP/2.0",
        f"Via: SIP/2.0/UDP {via};rport;branch=z9hG4bK{secrets.token_hex(8)}",
        "Max-Forwards: 70",
        f"From: <{from_uri}>;tag={from_tag or new_tag()}",
        f"To: <{to_uri or uri}>",
        f"Call-ID: {call_id or secrets.token_hex(10)}@{HOST}",
        f"CSeq: {cseq} {method}",
        *(f"{k}: {v}" for k, v in headers),
        f"Content-Length: {len(body.encode())}",
    ]
    return "\r\n".join(lines) + "\r\n\r\n" + body


def uri_host(addr: str) -> str:
    """``addr`` as the host part of a SIP URI or Via: IPv6 literals get brackets."""
    return f"[{addr}]" if ":" in addr and not addr.startswith("[") else addr


def options_ping(
    host: str, port: int, timeout_s: float = 2.0, sock: socket.socket | None = None
) -> SipMessage:
    """Send one OPTIONS to ``sip:host:port`` and return its final response.

    From 127.0.0.1 to a loopback server; otherwise from a UDP socket ``connect()``ed
    to the server, so the kernel picks the source address that Via then names.
    ``sock``: a fresh socket to use instead (e.g. one made inside a lab namespace).
    """
    if sock is None and host == HOST:
        client = UdpSipClient()
    else:
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        sock = sock or socket.socket(family, socket.SOCK_DGRAM)
        sock.connect((host, port))
        client = UdpSipClient(sock)
    with client:
        req = build_request(
            "OPTIONS",
            f"sip:{uri_host(host)}:{port}",
            local_port=client.local_port,
            local_host=client.local_host,
            from_uri=f"sip:labprobe@{uri_host(host)}",
        )
        return client.final_response(req, host, port, timeout_s)


def wait_for_options(
    host: str,
    port: int,
    timeout_s: float,
    alive: Callable[[], bool] | None = None,
    new_socket: Callable[[], socket.socket] | None = None,
) -> SipMessage:
    """Probe with OPTIONS until anything answers; bounded by ``timeout_s``.

    ``alive`` (optional) is checked between probes so a crashed server fails fast;
    ``new_socket`` makes the probe's socket (default: one on 127.0.0.1).
    """
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if alive is not None and not alive():
            raise RuntimeError(f"server on {host}:{port} exited before answering")
        sock = new_socket() if new_socket is not None else None
        try:
            wait = min(0.3, max(0.05, deadline - time.monotonic()))
            return options_ping(host, port, wait, sock)
        except (TimeoutError, ConnectionRefusedError):
            continue
    raise TimeoutError(f"nothing answered OPTIONS on {host}:{port} within {timeout_s}s")
