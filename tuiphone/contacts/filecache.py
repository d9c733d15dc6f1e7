"""Parse results remembered per file, keyed by (path, mtime_ns, size)."""

from __future__ import annotations

import os
from pathlib import Path

from tuiphone.contacts.errors import ParseWarning
from tuiphone.contacts.reader import ReadResult, read_file


class FileCache:
    """Re-parses a file only when its mtime or size changed. Not thread-safe."""

    def __init__(self) -> None:
        self._entries: dict[tuple[str, str, str], tuple[tuple[int, int, int], ReadResult]] = {}

    def read(self, path: Path, book: str, href: str = "") -> ReadResult:
        try:
            st = os.stat(path)
        except OSError as err:
            return ReadResult(warnings=[ParseWarning(str(path), 0, f"cannot read: {err.strerror}")])
        key, stamp = (str(path), book, href), (st.st_mtime_ns, st.st_size, st.st_ino)
        hit = self._entries.get(key)
        if hit is not None and hit[0] == stamp:
            return hit[1]
        result = read_file(path, book, href)
        self._entries[key] = (stamp, result)
        return result

    def forget(self, path: Path) -> None:
        for key in [k for k in self._entries if k[0] == str(path)]:
            del self._entries[key]
