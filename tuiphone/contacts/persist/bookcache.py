"""A ContactBook's warm-start cache folder: one file per source plus the numbers.

Writing is best effort: a cache that cannot be written only costs the next
start its speed, so OSError is swallowed here.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from pathlib import Path

from tuiphone.contacts.filecache import FileCache
from tuiphone.contacts.persist import e164, store
from tuiphone.contacts.persist.e164 import NumberMemo
from tuiphone.contacts.persist.erase import drop_cache
from tuiphone.contacts.sources import FileSource, Source, VdirSource


def identity(source: Source) -> str:
    """What a cache file belongs to: the kind, the id (it is in every Origin) and
    the location, so a renamed or moved source never reads another's cache."""
    if isinstance(source, VdirSource):
        return f"vdir\n{source.id}\n{source.path}"
    if isinstance(source, FileSource):
        return f"file\n{source.id}\n{source.path}"
    return f"carddav\n{source.id}\n{source.cache_dir}\n{source.book_url}"

Job = Callable[[], None]


class BookCache:
    """Not thread-safe: used by one ContactBook, one call at a time."""

    def __init__(self, folder: Path, rows_stamp: str) -> None:
        """``rows_stamp``: ``indexrow.stamp`` of the region the book's rows are for."""
        self.folder = folder
        self.rows_stamp = rows_stamp

    def _file(self, source: Source) -> Path:
        return store.cache_file(self.folder, identity(source))

    def seed(self, source: Source, files: FileCache) -> None:
        """Fill ``files`` with what was stored for ``source`` (nothing if unusable)."""
        files.seed(store.load(self._file(source), identity(source), self.rows_stamp))

    def saver(self, source: Source, files: FileCache) -> Job | None:
        """If ``files`` changed since the last save: a job that stores what they
        hold now (taken now, so the job may run on another thread)."""
        if not files.changed:
            return None
        files.changed = False
        path, ident, entries = self._file(source), identity(source), files.entries()
        rows_stamp = self.rows_stamp
        return lambda: _quietly(lambda: store.save(path, ident, entries, rows_stamp))

    def jobs(
        self, sources: dict[str, Source], files: dict[str, FileCache], memo: NumberMemo | None
    ) -> list[Job]:
        """The writes due for these sources (by id) and the memo."""
        due = [self.saver(source, files[key]) for key, source in sources.items()]
        due.append(self.memo_saver(memo) if memo is not None else None)
        return [job for job in due if job is not None]

    def load_memo(self) -> NumberMemo:
        return e164.load(self.folder)

    def memo_saver(self, memo: NumberMemo) -> Job | None:
        if not memo.dirty():
            return None
        folder, stamp, entries = self.folder, e164.stamp(), memo.take()
        return lambda: _quietly(lambda: e164.save(folder, stamp, entries))

    def drop(self) -> None:
        """Delete every cache file (and leftover temp file) in the folder."""
        drop_cache(self.folder)


def _quietly(job: Job) -> None:
    with contextlib.suppress(OSError):
        job()
