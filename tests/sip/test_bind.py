"""Where the stack listens: every address by default, one when ``bind_address`` says so;
the wake-up datagram goes to a socket we really listen on."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from tests.sip.helpers import Events
from tuiphone.model.account import AccountConfig
from tuiphone.model.backend import BackendSettings
from tuiphone.net.routes import has_family
from tuiphone.sip import PjBackend

pytestmark = pytest.mark.pjsua


async def started(bind: str | None) -> PjBackend:
    """A backend whose poll only ends early when the wake-up datagram arrives."""
    backend = PjBackend()
    await backend.start(BackendSettings(bind_address=bind, poll_ms=60_000), Events())
    return backend


async def woken(backend: PjBackend) -> None:
    """A job submitted now runs at once: the wake-up reached a socket pjsip polls."""
    await asyncio.wait_for(backend.sync(), 10)


def wake_address(backend: PjBackend) -> tuple[str, int]:
    loop = backend._loop  # noqa: SLF001 - the test checks where the bridge wakes
    assert loop is not None
    assert loop._wake_addr is not None  # noqa: SLF001
    return loop._wake_addr  # noqa: SLF001


def bound(port: int) -> set[str]:
    """Local addresses of UDP sockets on ``port`` (from /proc/net/udp and udp6)."""
    found = set()
    for table, family in (("/proc/net/udp", 4), ("/proc/net/udp6", 6)):
        for line in Path(table).read_text().splitlines()[1:]:
            local = line.split()[1]
            addr, hexport = local.rsplit(":", 1)
            if int(hexport, 16) == port:
                found.add(f"v{family}:{addr}")
    return found


async def test_listens_everywhere_and_wakes_through_loopback() -> None:
    backend = await started(None)
    try:
        host, port = wake_address(backend)
        assert host == "127.0.0.1"
        assert "v4:00000000" in bound(port)  # 0.0.0.0: every IPv4 address
        contact = await backend.add_account(AccountConfig(id="a", uri="sip:a@127.0.0.1"), None)
        assert contact.startswith("sip:a@127.0.0.1:")
        await woken(backend)
    finally:
        await backend.stop()


async def test_one_address_is_listened_on_and_woken_at() -> None:
    backend = await started("127.0.0.1")
    try:
        host, port = wake_address(backend)
        assert host == "127.0.0.1"
        assert bound(port) == {"v4:0100007F"}  # 127.0.0.1 only
        await woken(backend)
    finally:
        await backend.stop()


@pytest.mark.skipif(not has_family(6), reason="no IPv6 on this host")
async def test_an_ipv6_bind_address_wakes_over_ipv6() -> None:
    backend = await started("::1")
    try:
        host, _port = wake_address(backend)
        assert host == "::1"
        contact = await backend.add_account(AccountConfig(id="a", uri="sip:a@[::1]"), None)
        assert "@[::1]:" in contact
        await woken(backend)
    finally:
        await backend.stop()
