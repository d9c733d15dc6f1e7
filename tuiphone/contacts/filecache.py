"""Parse results remembered per file, keyed by (path, mtime_ns, size, inode)."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from tuiphone.contacts.errors import ParseWarning
from tuiphone.contacts.reader import ReadResult, read_file

Key = tuple[str, str, str]  # path, book, href
Stamp = tuple[int, int, int]  # mtime_ns, size, inode
Entry = tuple[Key, Stamp, ReadResult]


class FileCache:
    """Re-parses a file only when its mtime, size or inode changed. Not thread-safe.

    ``changed`` turns True when a file was parsed or an entry dropped, so a caller
    that persists the entries knows when to write them again.
    """

    def __init__(self) -> None:
        self._entries: dict[Key, tuple[Stamp, ReadResult]] = {}
        self._seen: set[Key] = set()
        self.changed = False

    def seed(self, entries: Iterable[Entry]) -> None:
        """Add stored entries (from the warm-start cache); newer ones already here win."""
        for key, stamp, result in entries:
            self._entries.setdefault(key, (stamp, result))

    def read(self, path: Path | str, book: str, href: str = "") -> ReadResult:
        """The file's contacts, parsed again only if it changed."""
        name = os.fspath(path)
        try:
            st = os.stat(name)
        except OSError as err:
            return ReadResult(warnings=[ParseWarning(name, 0, f"cannot read: {err.strerror}")])
        key, stamp = (name, book, href), (st.st_mtime_ns, st.st_size, st.st_ino)
        self._seen.add(key)
        hit = self._entries.get(key)
        if hit is not None and hit[0] == stamp:
            return hit[1]
        result = read_file(Path(name), book, href)
        self._entries[key] = (stamp, result)
        self.changed = True
        return result

    def sweep(self) -> None:
        """Drop the entries not read since the last sweep (deleted or renamed files)."""
        gone = self._entries.keys() - self._seen
        for key in gone:
            del self._entries[key]
        self.changed = self.changed or bool(gone)
        self._seen = set()

    def entries(self) -> list[Entry]:
        return [(k, s, r) for k, (s, r) in self._entries.items()]

    def forget(self, path: Path) -> None:
        for key in [k for k in self._entries if k[0] == str(path)]:
            del self._entries[key]
