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
class SipResponse:
    """A parsed response: status line, headers (lower-case names, in order), body."""

    code: int
    reason: str
    headers: tuple[tuple[str, str], ...]
    body: str
    raw: str

    def header(self, name: str) -> str:
        """The first value of header ``name`` (case-insensitive), '' if absent."""
        name = name.lower()
        return next((v for k, v in self.headers if k == name), "")


def parse_response(data: bytes) -> SipResponse:
    """Parse one SIP response datagram. Raises ValueError for anything else."""
    text = data.decode("utf-8", errors="replace")
    head, _, body = text.partition("\r\n\r\n")
    lines = head.split("\r\n")
    parts = lines[0].split(" ", 2)
    if len(parts) < 2 or not parts[0].startswith("SIP/2.0"):
        raise ValueError(f"not a SIP response: {lines[0]!r}")
    headers = tuple(_split_header(line) for line in lines[1:] if ":" in line)
    return SipResponse(int(parts[1]), parts[2] if len(parts) > 2 else "", headers, body, text)


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
    ) -> SipResponse:
        """Send ``data`` and return the first final (>= 200) response.

        Provisional responses are skipped. Raises TimeoutError when none comes in time.
        """
        self.send(data, host, port)
        deadline = time.monotonic() + timeout_s
        while True:
            resp = self.receive(deadline - time.monotonic())
            if resp.code >= 200:
                return resp

    def receive(self, timeout_s: float) -> SipResponse:
        """The next response datagram (requests and junk are ignored). Raises TimeoutError."""
        deadline = time.monotonic() + timeout_s
        while (left := deadline - time.monotonic()) > 0:
            self.sock.settimeout(left)
            try:
                data, _ = self.sock.recvfrom(65535)
            except (TimeoutError, socket.timeout) as err:
                raise TimeoutError("no SIP response in time") from err
            try:
                return parse_response(data)
            except ValueError:
                continue
        raise TimeoutError("no SIP response in time")


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
    to_uri: str | None = None,
    call_id: str | None = None,
    cseq: int = 1,
    from_tag: str | None = None,
    headers: Iterable[tuple[str, str]] = (),
    body: str = "",
) -> str:
    """A complete UDP request from 127.0.0.1:``local_port`` with a fresh branch."""
    lines = [
        f"{method} {uri} SIP/2.0",
        f"Via: SIP/2.0/UDP {HOST}:{local_port};rport;branch=z9hG4bK{secrets.token_hex(8)}",
        "Max-Forwards: 70",
        f"From: <{from_uri}>;tag={from_tag or new_tag()}",
        f"To: <{to_uri or uri}>",
        f"Call-ID: {call_id or secrets.token_hex(10)}@{HOST}",
        f"CSeq: {cseq} {method}",
        *(f"{k}: {v}" for k, v in headers),
        f"Content-Length: {len(body.encode())}",
    ]
    return "\r\n".join(lines) + "\r\n\r\n" + body


def options_ping(host: str, port: int, timeout_s: float = 2.0) -> SipResponse:
    """Send one OPTIONS to ``sip:host:port`` and return its final response."""
    with UdpSipClient() as client:
        req = build_request(
            "OPTIONS",
            f"sip:{host}:{port}",
            local_port=client.local_port,
            from_uri=f"sip:labprobe@{host}",
        )
        return client.final_response(req, host, port, timeout_s)


def wait_for_options(
    host: str, port: int, timeout_s: float, alive: Callable[[], bool] | None = None
) -> SipResponse:
    """Probe with OPTIONS until anything answers; bounded by ``timeout_s``.

    ``alive`` (optional) is checked between probes so a crashed server fails fast.
    """
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if alive is not None and not alive():
            raise RuntimeError(f"server on {host}:{port} exited before answering")
        try:
            return options_ping(host, port, min(0.5, max(0.05, deadline - time.monotonic())))
        except (TimeoutError, ConnectionRefusedError):
            continue
    raise TimeoutError(f"nothing answered OPTIONS on {host}:{port} within {timeout_s}s")
