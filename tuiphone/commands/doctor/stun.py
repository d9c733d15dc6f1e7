"""Our public address as a STUN server (RFC 5389 Binding) sees it, and whether a NAT
sits between: the public address differs from the local one the kernel routes from.
Blocking: run it in a thread."""

from __future__ import annotations

import ipaddress
import os
import socket
import struct
from typing import Any

from tuiphone.commands import exitcodes
from tuiphone.commands.doctor.report import Finding, fail, ok
from tuiphone.net.sipuri import ip_literal

MAGIC = 0x2112A442
BINDING_REQUEST, BINDING_SUCCESS = 0x0001, 0x0101
MAPPED, XOR_MAPPED = 0x0001, 0x0020
DEFAULT_PORT = 3478
TRIES = (0.5, 1.0, 2.0)  # RFC 5389 7.2.1: retransmit with a doubling timeout


def stun(servers: tuple[str, ...]) -> Finding:
    if not servers:
        return ok("stun", "not configured ([engine] stun_servers): the NAT is not probed")
    host, port = _split(servers[0])
    try:
        family, _, _, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_DGRAM)[0]
        local, public = _binding(family, address)
    except OSError as err:
        return fail("stun", f"{servers[0]}: no answer ({err})",
                    "check [engine] stun_servers and that UDP to it is allowed",
                    exitcodes.NETWORK)
    if public[0] == local:
        return ok("stun", f"{servers[0]}: public address {public[0]}:{public[1]}, "
                          "no NAT (same as the local address)")
    return ok("stun", f"{servers[0]}: public address {public[0]}:{public[1]}, behind a NAT "
                      f"(local {local})")


def _binding(family: int, address: tuple[Any, ...]) -> tuple[str, tuple[str, int]]:
    tid = os.urandom(12)
    request = struct.pack("!HHI", BINDING_REQUEST, 0, MAGIC) + tid
    with socket.socket(family, socket.SOCK_DGRAM) as sock:
        sock.connect(address[:2])
        local = str(sock.getsockname()[0])
        for wait in TRIES:
            sock.send(request)
            sock.settimeout(wait)
            try:
                while True:
                    found = _mapped(sock.recv(2048), tid)
                    if found is not None:
                        return local, found
            except TimeoutError:
                continue
    raise TimeoutError(f"no Binding response in {sum(TRIES):g} s")


def _mapped(data: bytes, tid: bytes) -> tuple[str, int] | None:
    """The (XOR-)MAPPED-ADDRESS of a Binding success response to ``tid``, else None."""
    if len(data) < 20 or data[8:20] != tid:
        return None
    kind, length, _ = struct.unpack("!HHI", data[:8])
    if kind != BINDING_SUCCESS:
        return None
    found, at = None, 20
    while at + 4 <= min(len(data), 20 + length):
        attr, size = struct.unpack("!HH", data[at:at + 4])
        value = data[at + 4:at + 4 + size]
        if attr == XOR_MAPPED:
            return _address(value, xor=True, tid=tid)
        if attr == MAPPED:
            found = _address(value, xor=False, tid=tid)
        at += 4 + (size + 3) // 4 * 4
    return found


def _address(value: bytes, xor: bool, tid: bytes) -> tuple[str, int]:
    family, port = value[1], struct.unpack("!H", value[2:4])[0]
    raw = value[4:8] if family == 1 else value[4:20]
    if xor:
        port ^= MAGIC >> 16
        key = struct.pack("!I", MAGIC) + tid
        raw = bytes(b ^ k for b, k in zip(raw, key, strict=False))
    return str(ipaddress.ip_address(raw)), port


def _split(server: str) -> tuple[str, int]:
    literal = ip_literal(server)
    if literal is not None:
        return literal, DEFAULT_PORT
    if server.startswith("["):
        host, _, tail = server[1:].partition("]")
        return host, int(tail[1:]) if tail.startswith(":") else DEFAULT_PORT
    host, _, port = server.partition(":")
    return host, int(port) if port.isdigit() else DEFAULT_PORT
