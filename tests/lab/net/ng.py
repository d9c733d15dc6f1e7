"""rtpengine's ng control protocol: ``<cookie> <bencoded dict>`` over UDP, both ways."""

from __future__ import annotations

import secrets
import socket

Bencodable = int | str | bytes | list["Bencodable"] | dict[str, "Bencodable"]


def bencode(value: Bencodable) -> bytes:
    """Bencode ints, strings (UTF-8), bytes, lists and dicts (keys sorted)."""
    if isinstance(value, int):
        return b"i%de" % value
    if isinstance(value, str):
        value = value.encode()
    if isinstance(value, bytes):
        return b"%d:%s" % (len(value), value)
    if isinstance(value, list):
        return b"l" + b"".join(bencode(v) for v in value) + b"e"
    items = sorted(value.items())
    return b"d" + b"".join(bencode(k) + bencode(v) for k, v in items) + b"e"


def bdecode(data: bytes) -> object:
    """The value encoded in ``data`` (strings come back as ``str``); ValueError if junk."""
    value, end = _decode(data, 0)
    if end != len(data):
        raise ValueError("trailing bytes after bencoded value")
    return value


def _decode(data: bytes, at: int) -> tuple[object, int]:
    head = data[at : at + 1]
    if head == b"i":
        end = data.index(b"e", at)
        return int(data[at + 1 : end]), end + 1
    if head in (b"l", b"d"):
        items: list[object] = []
        at += 1
        while data[at : at + 1] != b"e":
            item, at = _decode(data, at)
            items.append(item)
        if head == b"l":
            return items, at + 1
        return dict(zip(items[::2], items[1::2], strict=True)), at + 1
    if head.isdigit():
        colon = data.index(b":", at)
        start = colon + 1
        end = start + int(data[at:colon])
        return data[start:end].decode(errors="replace"), end
    raise ValueError(f"not bencode at byte {at}")


def command(
    addr: str, port: int, body: dict[str, Bencodable], timeout_s: float
) -> dict[str, object]:
    """Send one ng command and return the reply's dict. Raises TimeoutError, ValueError."""
    family = socket.AF_INET6 if ":" in addr else socket.AF_INET
    cookie = secrets.token_hex(6).encode()
    with socket.socket(family, socket.SOCK_DGRAM) as sock:
        sock.settimeout(timeout_s)
        sock.connect((addr, port))
        sock.send(cookie + b" " + bencode(body))
        while True:
            data = sock.recv(65535)
            got_cookie, _, payload = data.partition(b" ")
            if got_cookie == cookie:
                reply = bdecode(payload)
                if not isinstance(reply, dict):
                    raise ValueError(f"ng reply is not a dict: {reply!r}")
                return reply
