"""Parse results remembered per file, keyed by (path, mtime_ns, size, inode)."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from tuiphone.contacts.errors import ParseWarning
from tuiphone.contacts.indexrow import IndexRow
from tuiphone.contacts.reader import ReadResult, read_stamped

Key = tuple[str, str, str]  # path, book, href
Stamp = tuple[int, int, int]  # mtime_ns, size, inode
Entry = tuple[Key, Stamp, ReadResult]


class FileCache:
    """Re-parses a file only when its mtime, size or inode changed. Not thread-safe.

    ``changed`` turns True when a file was parsed, an entry dropped or rows were
    added, so a caller that persists the entries knows when to write them again.
    A freshly parsed file has no index rows: the owner fills them in later
    (``fill_rows``), once the index has made them (the caller-ID keys are slow).
    """

    def __init__(self) -> None:
        self._entries: dict[Key, tuple[Stamp, ReadResult]] = {}
        self._seen: set[Key] = set()
        self.changed = False

    def seed(self, entries: Iterable[Entry]) -> None:
        """Add stored entries (from the warm-start cache); newer ones already here win."""
        for key, stamp, result in entries:
            if key not in self._entries:
                self._entries[key] = (stamp, result)

    def fill_rows(self, rows: Mapping[int, IndexRow]) -> None:
        """Give every result lacking index rows its rows, from ``rows`` (by ``id``
        of the contact); a result with a contact not in ``rows`` stays as it is."""
        for _stamp, result in self._entries.values():
            contacts = result.contacts
            if len(result.rows) < len(contacts) or None in result.rows:
                made = [rows.get(id(c)) for c in contacts]
                if None not in made:
                    result.rows = made
                    self.changed = True

    def read(self, path: Path | str, book: str, href: str = "") -> ReadResult:
        """The file's contacts, parsed again only if it changed."""
        return self.read_all([os.fspath(path)], book, [href])

    def _result(self, name: str, book: str, href: str, st: os.stat_result) -> ReadResult:
        key, stamp = (name, book, href), (st.st_mtime_ns, st.st_size, st.st_ino)
        self._seen.add(key)
        hit = self._entries.get(key)
        if hit is not None and hit[0] == stamp:
            return hit[1]
        result = read_stamped(name, book, href)[0]
        self._entries[key] = (stamp, result)
        self.changed = True
        return result

    def _new(self, name: str, book: str, href: str) -> ReadResult:
        result, st = read_stamped(name, book, href)
        if st is not None:
            key = (name, book, href)
            self._seen.add(key)
            self._entries[key] = ((st.st_mtime_ns, st.st_size, st.st_ino), result)
            self.changed = True
        return result

    def read_all(
        self, names: Sequence[str], book: str, hrefs: Sequence[str] | None = None
    ) -> ReadResult:
        """``read`` of every file (paths as strings; ``hrefs[i]`` for ``names[i]``,
        or none) in order, merged into one result."""
        results, stat, result, entries = [], os.stat, self._result, self._entries
        for i, name in enumerate(names):
            href = hrefs[i] if hrefs else ""
            if (name, book, href) not in entries:  # nothing to compare: read, stat the fd
                results.append(self._new(name, book, href))
                continue
            try:
                st = stat(name)
            except OSError as err:
                results.append(_unreadable(name, err))
                continue
            results.append(result(name, book, href, st))
        return results[0] if len(results) == 1 else ReadResult.merged(results)

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


def _unreadable(name: str, err: OSError) -> ReadResult:
    return ReadResult(warnings=[ParseWarning(name, 0, f"cannot read: {err.strerror}")])
