"""TLS against Radicale with a certificate from our own throwaway CA."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.contacts import servers
from tuiphone.contacts.dav.book import CardDavBook
from tuiphone.contacts.errors import DavConnectionError


@pytest.fixture(scope="module")
def tls_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[servers.Server]:
    with servers.radicale(tmp_path_factory.mktemp("radicale-tls"), tls=True) as server:
        yield server


async def test_trusted_with_the_ca_file(tls_server: servers.Server, tmp_path: Path) -> None:
    assert tls_server.url.startswith("https://")
    book = CardDavBook("tls", servers.settings(tls_server), tmp_path / "c")
    books = await book.discover()
    assert all(b.url.startswith("https://127.0.0.1:") for b in books)


async def test_untrusted_without_it(tls_server: servers.Server, tmp_path: Path) -> None:
    book = CardDavBook("tls", servers.settings(tls_server, ca_file=None), tmp_path / "c")
    with pytest.raises(DavConnectionError, match="not trusted"):
        await book.discover()


async def test_missing_ca_file_is_named(tls_server: servers.Server, tmp_path: Path) -> None:
    missing = str(tmp_path / "nope.pem")
    book = CardDavBook("tls", servers.settings(tls_server, ca_file=missing), tmp_path / "c")
    with pytest.raises(DavConnectionError, match="CA file .*nope.pem"):
        await book.discover()
