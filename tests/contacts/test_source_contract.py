"""The contact-source contract (``source_contract.py``) over every kind of source:
a vdir folder, a CardDAV book on real Radicale and Xandikos servers (``dav_server``),
and an imported .vcf file (read only).

There is no in-memory source: a vdir in a temporary folder is as quick to set up and
is the real thing, so the engine and UI tests use one (see ``tests/ui/helpers.py``).
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest

from tests.contacts import servers
from tests.contacts.servers import Server
from tests.contacts.source_contract import SourceContract, WritableSourceContract, card
from tuiphone.contacts import (
    CardDavSource,
    Contact,
    ContactBook,
    ContactEdit,
    FileSource,
    Source,
    VdirSource,
)
from tuiphone.contacts.dav import ops
from tuiphone.contacts.dav.client import DavClient
from tuiphone.contacts.dav.hrefs import norm
from tuiphone.contacts.errors import EditError


def _write(path: Path, data: bytes) -> None:
    """As vdirsyncer and khard write: a temporary file renamed over the card."""
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


class TestVdirSource(WritableSourceContract):
    @pytest.fixture
    def source(self, tmp_path: Path) -> Source:
        folder = tmp_path / "vdir"
        folder.mkdir()
        return VdirSource("home", folder)

    async def put_outside(self, source: Source, uid: str, data: bytes) -> None:
        assert isinstance(source, VdirSource)
        _write(source.path / f"{uid}.vcf", data)


class TestCardDavSource(WritableSourceContract):
    @pytest.fixture
    def source(self, dav_server: Server, book_url: str, tmp_path: Path) -> Source:
        self.server, self.book_url, self.tmp = dav_server, book_url, tmp_path
        return CardDavSource("work", servers.settings(dav_server), tmp_path / "cache", book_url)

    async def put_outside(self, source: Source, uid: str, data: bytes) -> None:
        async with DavClient(servers.settings(self.server)) as client:
            await ops.put_card(client, f"{norm(self.book_url)}{uid}.vcf", data, "")

    async def refresh(self, book: ContactBook) -> None:
        await book.sync()

    async def reread(self, source: Source) -> dict[str, Contact]:
        """Another machine: its own offline copy, synced from the server."""
        assert isinstance(source, CardDavSource)
        elsewhere = CardDavSource(source.id, source.settings,
                                  self.tmp / f"elsewhere-{uuid.uuid4().hex}", source.book_url)
        return await super().reread(elsewhere)


class TestFileSource(SourceContract):
    """One .vcf file holding many cards (an export): read, never written."""

    @pytest.fixture
    def source(self, tmp_path: Path) -> Source:
        self.cards: dict[str, bytes] = {}
        path = tmp_path / "export.vcf"
        path.write_bytes(b"")
        return FileSource("export", path)

    async def put_outside(self, source: Source, uid: str, data: bytes) -> None:
        assert isinstance(source, FileSource)
        self.cards[uid] = data
        _write(source.path, b"".join(self.cards.values()))

    async def test_writes_are_refused(self, source: Source) -> None:
        await self.put_outside(source, "ann-01", card("ann-01", "Ann Example"))
        book = await self.loaded(source)
        (ann,) = book.index.contacts
        before = source.path.read_bytes()  # type: ignore[union-attr]
        with pytest.raises(EditError, match="read only"):
            await book.save(ann, ContactEdit(fn="x"))
        with pytest.raises(EditError, match="read only"):
            await book.delete(ann)
        with pytest.raises(EditError):
            await book.create(source.id, ContactEdit(fn="x"))
        assert source.path.read_bytes() == before  # type: ignore[union-attr]
