"""The offline copy of one CardDAV book: a vdir plus ``state.json``.

``state.json`` holds the book URL, the sync token and href → (etag, file name).
It is written last (atomically) after the cards, so an interrupted sync leaves
valid files and the old token, and the next sync simply redoes the work.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from tuiphone.contacts.errors import VdirError
from tuiphone.contacts.reader import ReadResult, read_file
from tuiphone.contacts.vdir import atomic_write

_UNSAFE = re.compile(r"[^A-Za-z0-9._@+-]")


@dataclass(slots=True)
class CacheItem:
    etag: str
    file: str


@dataclass(slots=True)
class CacheState:
    book_url: str = ""
    sync_token: str = ""
    items: dict[str, CacheItem] = field(default_factory=dict)

    def to_json(self) -> str:
        items = {h: {"etag": i.etag, "file": i.file} for h, i in sorted(self.items.items())}
        data = {"book_url": self.book_url, "sync_token": self.sync_token, "items": items}
        # Compact: with ``indent`` json falls back to its pure-Python encoder, and
        # this file is rewritten after every sync of what may be 10k cards.
        return json.dumps(data, separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str) -> CacheState:
        data = json.loads(text)
        items = {h: CacheItem(str(v["etag"]), str(v["file"])) for h, v in data["items"].items()}
        return cls(str(data["book_url"]), str(data["sync_token"]), items)


class DavCache:
    """Cards under ``folder/cards``, state in ``folder/state.json``. Not thread-safe:
    one sync or write at a time per book."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.cards = folder / "cards"
        self.state = self._load()
        self._unsynced = False  # cards written without fsync since the last save
        self._taken = {i.file for i in self.state.items.values()}  # file names in use

    def _load(self) -> CacheState:
        try:
            return CacheState.from_json((self.folder / "state.json").read_text("utf-8"))
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return CacheState()  # no or broken state: the next sync is a full one

    def save(self) -> None:
        """Record the state, after making every card written since the last save
        durable in one ``os.sync`` (a sync writes thousands of cards: one fsync each
        was most of the client's time)."""
        self.folder.mkdir(parents=True, exist_ok=True)
        if self._unsynced:
            os.sync()
            self._unsynced = False
        atomic_write(self.folder / "state.json", self.state.to_json().encode("utf-8"))

    def _file_for(self, href: str) -> str:
        known = self.state.items.get(href)
        if known is not None:
            return known.file
        name = _UNSAFE.sub("_", href.rstrip("/").rsplit("/", 1)[-1])[:120] or "card"
        if not name.endswith(".vcf"):
            name += ".vcf"
        if name in self._taken or name.startswith("."):
            name = hashlib.sha1(href.encode()).hexdigest() + ".vcf"
        return name

    def put(self, href: str, etag: str, data: bytes) -> Path:
        """Store one card's bytes and ETag (state is saved by ``save``)."""
        try:
            self.cards.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            raise VdirError(f"{self.cards}: cannot create: {err.strerror}") from err
        name = self._file_for(href)
        atomic_write(self.cards / name, data, durable=False)
        self._unsynced = True
        self.state.items[href] = CacheItem(etag, name)
        self._taken.add(name)
        return self.cards / name

    def drop(self, href: str) -> bool:
        """Forget one card; False if it was not cached."""
        item = self.state.items.pop(href, None)
        if item is not None:
            (self.cards / item.file).unlink(missing_ok=True)
            self._taken.discard(item.file)
        return item is not None

    def etag(self, href: str) -> str | None:
        item = self.state.items.get(href)
        return item.etag if item is not None else None

    def read(self, book: str) -> ReadResult:
        """Every cached contact, with ``origin.href`` set."""
        result = ReadResult()
        for href, item in sorted(self.state.items.items()):
            result.extend(read_file(self.cards / item.file, book, href))
        return result
