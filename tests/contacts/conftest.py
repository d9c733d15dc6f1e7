"""Fixtures for the contacts tests."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest

from tests.contacts import servers
from tuiphone.contacts import filecache, reader
from tuiphone.contacts.dav.client import DavClient
from tuiphone.contacts.dav.ops import make_book
from tuiphone.contacts.reader import ReadResult


@pytest.fixture
def vdir(tmp_path: Path) -> Path:
    """An empty folder of our own (tmp_path also holds the isolated XDG dirs)."""
    folder = tmp_path / "vdir"
    folder.mkdir()
    return folder


@pytest.fixture(scope="session", params=["radicale", "xandikos"])
def dav_server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """One real CardDAV server per kind for the whole session; tests make their own books."""
    start = servers.radicale if request.param == "radicale" else servers.xandikos
    with start(tmp_path_factory.mktemp(request.param)) as server:
        yield server


@pytest.fixture
async def book_url(dav_server: servers.Server) -> str:
    """A fresh, empty address book on the server; returns its absolute URL."""
    url = f"{dav_server.url.rstrip('/')}{dav_server.home}{uuid.uuid4().hex}/"
    async with DavClient(servers.settings(dav_server)) as client:
        await make_book(client, url, "Test book")
    return url


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The files parsed from now on (cache misses)."""
    seen: list[str] = []
    real = reader.read_stamped

    def counting(name: str, book: str, href: str = "") -> tuple[ReadResult, os.stat_result | None]:
        seen.append(Path(name).name)
        return real(name, book, href)

    monkeypatch.setattr(filecache, "read_stamped", counting)
    return seen
