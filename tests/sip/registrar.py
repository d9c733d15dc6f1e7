"""A tiny in-process UDP registrar with MD5 digest auth (no qop), for tests only."""

from __future__ import annotations

import asyncio
import hashlib
import re

REALM = "test"
NONCE = "abc123"


def _md5(text: str) -> str:
    return hashlib.md5(text.encode()).hexdigest()  # noqa: S324 - SIP digest is MD5


class Registrar(asyncio.DatagramProtocol):
    """Answers REGISTER: 401 challenge, 200 when the digest matches ``users``."""

    def __init__(self, users: dict[str, str]) -> None:
        self.users = users
        self.registers: list[str] = []
        self.transport: asyncio.DatagramTransport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    @property
    def port(self) -> int:
        assert self.transport is not None
        return int(self.transport.get_extra_info("sockname")[1])

    def datagram_received(self, data: bytes, addr: tuple[str, int]) -> None:
        text = data.decode(errors="replace")
        if not text.startswith("REGISTER "):
            return
        self.registers.append(text)
        ok = self._authorized(text)
        status = "200 OK" if ok else "401 Unauthorized"
        extra = []
        if ok:
            contact = _header(text, "Contact")
            expires = _header(text, "Expires") or "300"
            extra = [f"Contact: {contact};expires={expires}", f"Expires: {expires}"]
        else:
            extra = [f'WWW-Authenticate: Digest realm="{REALM}", nonce="{NONCE}", algorithm=MD5']
        lines = [f"SIP/2.0 {status}"]
        for name in ("Via", "From", "Call-ID", "CSeq"):
            lines.append(f"{name}: {_header(text, name)}")
        lines.append(f"To: {_header(text, 'To')};tag=reg1")
        lines += extra + ["Content-Length: 0", "", ""]
        assert self.transport is not None
        self.transport.sendto("\r\n".join(lines).encode(), addr)

    def _authorized(self, text: str) -> bool:
        auth = _header(text, "Authorization")
        params = dict(re.findall(r'(\w+)="?([^",]*)"?', auth))
        user = params.get("username", "")
        if user not in self.users:
            return False
        ha1 = _md5(f"{user}:{REALM}:{self.users[user]}")
        ha2 = _md5(f"REGISTER:{params.get('uri', '')}")
        return params.get("response") == _md5(f"{ha1}:{params.get('nonce', '')}:{ha2}")


def _header(text: str, name: str) -> str:
    for line in text.split("\r\n"):
        key, sep, value = line.partition(":")
        if sep and key.strip().lower() == name.lower():
            return value.strip()
    return ""


async def start_registrar(users: dict[str, str]) -> Registrar:
    loop = asyncio.get_running_loop()
    _, proto = await loop.create_datagram_endpoint(
        lambda: Registrar(users), local_addr=("127.0.0.1", 0)
    )
    return proto
