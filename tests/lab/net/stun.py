"""A minimal STUN/TURN client (RFC 5389/5766): Binding, and Allocate with long-term creds.

Enough to prove the lab's coturn works: what address it sees us at
(XOR-MAPPED-ADDRESS) and which relay address it hands out (XOR-RELAYED-ADDRESS).
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import os
import socket
import struct
from collections.abc import Sequence

MAGIC = 0x2112A442
BINDING, ALLOCATE = 0x0001, 0x0003
USERNAME, MESSAGE_INTEGRITY, ERROR_CODE = 0x0006, 0x0008, 0x0009
REALM, NONCE, XOR_RELAYED, REQUESTED_TRANSPORT = 0x0014, 0x0015, 0x0016, 0x0019
XOR_MAPPED = 0x0020
Address = tuple[str, int]


def request(method: int, txid: bytes, attrs: Sequence[tuple[int, bytes]] = ()) -> bytes:
    """A STUN request; attributes are padded to 4 bytes."""
    body = b"".join(_attr(kind, value) for kind, value in attrs)
    return struct.pack("!HHI12s", method, len(body), MAGIC, txid) + body


def parse(data: bytes, txid: bytes) -> tuple[int, dict[int, bytes]]:
    """(message type, attributes) of a response to ``txid``; ValueError otherwise."""
    kind, length, magic, got = struct.unpack("!HHI12s", data[:20])
    if magic != MAGIC or got != txid:
        raise ValueError("not a STUN response to our transaction")
    attrs: dict[int, bytes] = {}
    at = 20
    while at < 20 + length:
        attr, size = struct.unpack("!HH", data[at : at + 4])
        attrs.setdefault(attr, data[at + 4 : at + 4 + size])
        at += 4 + (size + 3) // 4 * 4
    return kind, attrs


def xor_address(value: bytes, txid: bytes) -> Address:
    """Decode an XOR-MAPPED-ADDRESS / XOR-RELAYED-ADDRESS value."""
    family, xport = struct.unpack("!xBH", value[:4])
    port = xport ^ (MAGIC >> 16)
    key = struct.pack("!I", MAGIC) + (txid if family == 0x02 else b"")
    raw = bytes(a ^ b for a, b in zip(value[4:], key, strict=False))
    return str(ipaddress.ip_address(raw)), port


def binding(sock: socket.socket, server: Address, timeout_s: float = 2.0) -> Address:
    """Where ``server`` sees ``sock`` (one Binding request). Raises TimeoutError."""
    txid = os.urandom(12)
    _, attrs = _transact(sock, server, request(BINDING, txid), txid, timeout_s)
    return xor_address(attrs[XOR_MAPPED], txid)


def allocate(
    sock: socket.socket, server: Address, user: str, password: str, timeout_s: float = 2.0
) -> Address:
    """A UDP relay allocation (401 challenge, then signed); returns the relayed address.

    Raises RuntimeError with the error code when the server refuses.
    """
    transport = [(REQUESTED_TRANSPORT, bytes([17, 0, 0, 0]))]
    txid = os.urandom(12)
    _, attrs = _transact(sock, server, request(ALLOCATE, txid, transport), txid, timeout_s)
    realm, nonce = attrs[REALM], attrs[NONCE]
    key = hashlib.md5(b"%s:%s:%s" % (user.encode(), realm, password.encode())).digest()
    txid = os.urandom(12)
    creds = [(USERNAME, user.encode()), (REALM, realm), (NONCE, nonce)]
    kind, attrs = _transact(
        sock, server, _signed(ALLOCATE, txid, transport + creds, key), txid, timeout_s
    )
    if kind != 0x0103:
        raise RuntimeError(f"TURN Allocate refused: {_error(attrs)}")
    return xor_address(attrs[XOR_RELAYED], txid)


def _signed(method: int, txid: bytes, attrs: list[tuple[int, bytes]], key: bytes) -> bytes:
    """The request with MESSAGE-INTEGRITY over everything before it (length includes it)."""
    unsigned = request(method, txid, attrs)
    header = struct.pack("!HH", method, len(unsigned) - 20 + 24) + unsigned[4:]
    digest = hmac.new(key, header, hashlib.sha1).digest()
    return header + _attr(MESSAGE_INTEGRITY, digest)


def _transact(
    sock: socket.socket, server: Address, data: bytes, txid: bytes, timeout_s: float
) -> tuple[int, dict[int, bytes]]:
    sock.settimeout(timeout_s)
    sock.sendto(data, server)
    while True:
        reply, _ = sock.recvfrom(2048)
        try:
            return parse(reply, txid)
        except ValueError:
            continue


def _attr(kind: int, value: bytes) -> bytes:
    return struct.pack("!HH", kind, len(value)) + value + b"\0" * (-len(value) % 4)


def _error(attrs: dict[int, bytes]) -> str:
    value = attrs.get(ERROR_CODE, b"\0\0\0\0")
    return f"{value[2] * 100 + value[3]} {value[4:].decode(errors='replace')}"
