"""The gate module's self-check: two requests we send ourselves, read back through the
struct offsets of ``gate_native``, before any real request is judged.

From a UDP socket on a known address and port we send an OPTIONS without a To tag
(the module must answer it 403, which proves ``pjsip_endpt_respond_stateless``) and one
with a known To tag (swallowed). Both must show our address, port, UDP, the tag (or
none) and the request line we wrote. Any difference and the caller keeps pjsua's
callbacks as the only check. Runs on the pjsip thread, during start.
"""

from __future__ import annotations

import contextlib
import secrets
import socket
import time
from collections.abc import Callable

from tuiphone.sip.gate_native import Request

UDP_TYPES = (1, 129)  # PJSIP_TRANSPORT_UDP, PJSIP_TRANSPORT_UDP6
WAIT_S = 2.0


class Probe:
    """Recognises our own probe requests while the check runs."""

    def __init__(self) -> None:
        self.token = f"tuiphone-probe-{secrets.token_hex(6)}"
        self.tag = secrets.token_hex(5)
        self.seen: dict[str, Request] = {}

    def request(self, kind: str, host: str, port: int, local: tuple[str, int]) -> bytes:
        shown = f"[{host}]" if ":" in host else host
        lhost = f"[{local[0]}]" if ":" in local[0] else local[0]
        tag = f";tag={self.tag}" if kind == "tagged" else ""
        return (
            f"OPTIONS sip:{self.token}-{kind}@{shown}:{port} SIP/2.0\r\n"
            f"Via: SIP/2.0/UDP {lhost}:{local[1]};rport;branch=z9hG4bK{secrets.token_hex(8)}\r\n"
            f"From: <sip:probe@{lhost}>;tag={secrets.token_hex(4)}\r\n"
            f"To: <sip:{self.token}@{shown}>{tag}\r\n"
            f"Call-ID: {self.token}-{kind}\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\n"
            "Content-Length: 0\r\n\r\n"
        ).encode()

    def kind_of(self, req: Request) -> str | None:
        """"plain" or "tagged" for one of our probes, else None."""
        marker = f"OPTIONS sip:{self.token}-".encode()
        if not req.head.startswith(marker):
            return None
        rest = req.head[len(marker):]
        for kind in ("plain", "tagged"):
            if rest.startswith(kind.encode() + b"@"):
                return kind
        return None


def run(probe: Probe, host: str, port: int, pump: Callable[[int], None]) -> str | None:
    """Send both probes to our UDP listener at ``host``:``port`` and pump events until
    the module saw them. None when every field read back right, else what was wrong."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_DGRAM) as sock:
        sock.bind((host, 0))
        local = sock.getsockname()[:2]
        for kind in ("plain", "tagged"):
            sock.sendto(probe.request(kind, host, port, local), (host, port))
        deadline = time.monotonic() + WAIT_S
        while len(probe.seen) < 2 and time.monotonic() < deadline:
            pump(10)
        problem = _check(probe, local)
        if problem is None:
            problem = _answered(sock, probe)
    return problem


def _check(probe: Probe, local: tuple[str, int]) -> str | None:
    for kind in ("plain", "tagged"):
        req = probe.seen.get(kind)
        if req is None:
            return f"the {kind} probe never reached the module"
        if (req.address, req.port) != local:
            return f"source read as {req.address}:{req.port}, sent from {local[0]}:{local[1]}"
        if req.transport_type not in UDP_TYPES:
            return f"transport type read as {req.transport_type}, not UDP"
        if req.has_to_tag != (kind == "tagged"):
            return f"To tag of the {kind} probe read as {'present' if req.has_to_tag else 'none'}"
    return None


def _answered(sock: socket.socket, probe: Probe) -> str | None:
    """The plain probe's 403 must be in our socket (sent synchronously by the module)."""
    sock.settimeout(1.0)
    with contextlib.suppress(OSError):
        while True:
            data = sock.recv(4096)
            if f"{probe.token}-plain".encode() in data:
                return None if data.startswith(b"SIP/2.0 403") else "the probe's answer is not 403"
    return "no 403 for the probe"
