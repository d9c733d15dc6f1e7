"""Parse results remembered per file, keyed by (path, mtime_ns, size, inode)."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from tuiphone.contacts.contact import Contact
from tuiphone.contacts.errors import ParseWarning
from tuiphone.contacts.indexrow import IndexRow
from tuiphone.contacts.reader import ReadResult, read_file

Key = tuple[str, str, str]  # path, book, href
Stamp = tuple[int, int, int]  # mtime_ns, size, inode
Entry = tuple[Key, Stamp, ReadResult]
Derive = Callable[[list[Contact]], list[IndexRow | None]]


class FileCache:
    """Re-parses a file only when its mtime, size or inode changed. Not thread-safe.

    ``changed`` turns True when a file was parsed or an entry dropped, so a caller
    that persists the entries knows when to write them again. With ``derive``
    every result it holds also has its index rows, made once, after parsing: for
    all of a ``read_all``'s new files together, as normalising numbers in one run
    (not between parses) is markedly faster.
    """

    def __init__(self, derive: Derive | None = None) -> None:
        self._derive = derive
        self._entries: dict[Key, tuple[Stamp, ReadResult]] = {}
        self._seen: set[Key] = set()
        self._unrowed: list[ReadResult] = []  # parsed, rows still to make
        self.changed = False

    def seed(self, entries: Iterable[Entry]) -> None:
        """Add stored entries (from the warm-start cache); newer ones already here win.
        Entries stored without rows get them now (and make the cache ``changed``)."""
        for key, stamp, result in entries:
            if key not in self._entries:
                self._entries[key] = (stamp, result)
                self._unrowed.append(result)
        self._make_rows()

    def _make_rows(self) -> None:
        derive, self._unrowed, results = self._derive, [], self._unrowed
        if derive is None:
            return
        for result in results:
            if len(result.rows) < len(result.contacts):
                result.rows = derive(result.contacts)
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
        result = read_file(Path(name), book, href)
        self._entries[key] = (stamp, result)
        self._unrowed.append(result)
        self.changed = True
        return result

    def read_all(
        self, names: Sequence[str], book: str, hrefs: Sequence[str] | None = None
    ) -> ReadResult:
        """``read`` of every file (paths as strings; ``hrefs[i]`` for ``names[i]``,
        or none) in order, merged into one result."""
        results, stat, result = [], os.stat, self._result
        for i, name in enumerate(names):
            try:
                st = stat(name)
            except OSError as err:
                results.append(_unreadable(name, err))
                continue
            results.append(result(name, book, hrefs[i] if hrefs else "", st))
        self._make_rows()
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
