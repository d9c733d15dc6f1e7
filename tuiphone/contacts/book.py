"""ContactBook: every configured source behind one index, with writes routed back.

``load`` is CPU-bound (parsing, number normalisation): call it from a worker thread
(``asyncio.to_thread``). The async methods run on the engine's loop. After a write
or sync the index is rebuilt; files that did not change are not parsed again.

With a ``cache_dir`` the parse results and E.164 numbers also survive restarts
(see ``tuiphone.contacts.persist``): ``load`` and ``sync`` write them there.

The caller-ID keys of cards not in that cache (every card, on a first start)
need ``phonenumbers``, which costs as much as parsing them: ``load`` returns
without them and a background thread makes them, builds the caller-ID table and
then writes the cache (keys included). A lookup before it is done waits for the
table (never a wrong "unknown"); ``keys_ready`` waits for all of it, and every
method that changes the book waits first.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Sequence
from pathlib import Path

import httpx

from tuiphone.contacts.contact import Contact, Origin
from tuiphone.contacts.dav.book import CardDavBook
from tuiphone.contacts.dav.sync import SyncProgress, SyncReport
from tuiphone.contacts.editing import ContactEdit, apply_edit, ensure_uid, new_card
from tuiphone.contacts.errors import (
    DavError,
    EditError,
    NotFoundError,
    ParseWarning,
    VdirError,
)
from tuiphone.contacts.filecache import FileCache
from tuiphone.contacts.gcpause import gc_paused
from tuiphone.contacts.index import ContactIndex
from tuiphone.contacts.indexrow import IndexRow, stamp
from tuiphone.contacts.persist.bookcache import BookCache, Job
from tuiphone.contacts.persist.lazymemo import LazyMemo
from tuiphone.contacts.reader import ReadResult, parse_bytes
from tuiphone.contacts.sources import CardDavSource, FileSource, Source, VdirSource
from tuiphone.contacts.vdir import create_file, read_bytes, read_vdir, remove_card, replace_card

BookProgress = Callable[[str, SyncProgress], None]


class ContactBook:
    """Not thread-safe: one caller at a time (the engine serialises access)."""

    def __init__(
        self,
        sources: Sequence[Source],
        region: str = "US",
        transport: httpx.AsyncBaseTransport | None = None,
        cache_dir: Path | None = None,
    ) -> None:
        """``cache_dir``: where the warm-start cache lives (None: no cache on disk)."""
        self.region = region
        self._sources = {s.id: s for s in sources}
        self._files = {s.id: FileCache() for s in sources}
        self._dav = {
            s.id: CardDavBook(
                s.id, s.settings, s.cache_dir, s.book_url, transport, self._files[s.id]
            )
            for s in sources
            if isinstance(s, CardDavSource)
        }
        self._disk = BookCache(cache_dir, stamp(region)) if cache_dir is not None else None
        self._seeded: set[str] = set()
        self._e164 = LazyMemo(self._disk)
        self._keys_lock = threading.Lock()  # guards the memo (every index of ours uses it)
        self._finisher: threading.Thread | None = None
        self._results: dict[str, ReadResult] = {}
        self.index = ContactIndex.build([], region)

    @property
    def warnings(self) -> list[ParseWarning]:
        """Problems from the last load: skipped cards, unreadable files or folders."""
        return [w for r in self._results.values() for w in r.warnings]

    def load(self) -> list[ParseWarning]:
        """(Re)read every source and rebuild the index; returns the warnings.
        A broken source becomes a warning; the others still load. Caller-ID keys
        not in the cache are made in a background thread (see the module doc)."""
        self.keys_ready()
        with gc_paused():
            for source_id in self._sources:
                self._results[source_id] = self._read(source_id)
            self._rebuild()
        if self.index.pending():
            self._start_finish()
        else:
            with self._keys_lock:
                self._persist()
        return self.warnings

    def keys_ready(self, timeout: float | None = None) -> bool:
        """Wait (up to ``timeout`` s) until the caller-ID keys a load or sync left to
        the background thread are made and the cache is written; True when done."""
        finisher = self._finisher
        if finisher is not None:
            finisher.join(timeout)
            if finisher.is_alive():
                return False
            self._finisher = None
        return True

    async def _keys_ready(self) -> None:
        if self._finisher is not None:
            await asyncio.to_thread(self.keys_ready)

    def _start_finish(self) -> None:
        self._finisher = threading.Thread(
            target=self._finish, args=(self.index,), name="contacts-keys"
        )
        self._finisher.start()

    def _finish(self, index: ContactIndex) -> None:
        """Make ``index``'s missing caller-ID keys, give the rows to the file caches
        and write the cache (runs in the background thread)."""
        try:
            with gc_paused():
                rows = index.rows()
                with self._keys_lock:
                    for files in self._files.values():
                        files.fill_rows(rows)
                    self._persist()
        except Exception:  # noqa: BLE001, S110 - no traceback over the TUI; a lookup
            pass  # makes the keys again (and reports through its caller)

    def drop_cache(self) -> None:
        """Delete the warm-start cache files (privacy erase); the in-memory state is
        kept, and the next ``load`` or ``sync`` writes the cache again."""
        self.keys_ready()  # a write still under way would bring the files back
        if self._disk is None:
            return
        self._disk.drop()
        for files in self._files.values():
            files.changed = True
        if self._e164.memo is not None:
            self._e164.memo.changed = True

    def _read(self, source_id: str) -> ReadResult:
        source, files = self._sources[source_id], self._files[source_id]
        if self._disk is not None and source_id not in self._seeded:
            self._seeded.add(source_id)
            self._disk.seed(source, files)
        try:
            if isinstance(source, CardDavSource):
                return self._dav[source.id].load()
            if isinstance(source, VdirSource):
                result = read_vdir(source.path, source.id, files)
            else:
                result = files.read(source.path, source.id)
        except VdirError as err:
            return ReadResult(warnings=[ParseWarning(source_id, 0, str(err))])
        files.sweep()  # forget deleted files
        return result

    def _persist(self) -> None:
        for job in self._cache_jobs():
            job()

    def _cache_jobs(self) -> list[Job]:
        """The cache writes due now, with their data taken now."""
        if self._disk is None:
            return []
        return self._disk.jobs(self._sources, self._files, self._e164.memo)

    def _reload(self, source_id: str) -> None:
        self.keys_ready()
        self._results[source_id] = self._read(source_id)
        self._rebuild()
        self.index.finish_keys()  # one changed card's keys: no thread for that

    def _rebuild(self) -> None:
        everything: list[Contact] = []
        rows: list[IndexRow | None] = []
        for result in self._results.values():
            everything += result.contacts
            rows += result.rows
            rows += [None] * (len(everything) - len(rows))
        self.index = ContactIndex.build(everything, self.region, self._e164, rows, self._keys_lock)

    def search(self, text: str, limit: int = 50) -> list[Contact]:
        return self.index.search(text, limit)

    def lookup(self, number_or_uri: str) -> Contact | None:
        return self.index.lookup(number_or_uri)

    def source_ids(self) -> list[str]:
        """The configured sources, in config order (vdirs, then CardDAV books)."""
        return list(self._sources)

    def sources(self) -> list[Source]:
        """The sources themselves, in the same order."""
        return list(self._sources.values())

    def writable(self, source_id: str) -> bool:
        return not isinstance(self._sources.get(source_id), FileSource | None)

    async def sync(self, progress: BookProgress | None = None) -> dict[str, SyncReport | DavError]:
        """Sync every CardDAV source; a failing one is reported, the others still sync."""
        results: dict[str, SyncReport | DavError] = {}
        await self._keys_ready()
        for source_id, book in self._dav.items():
            step = (lambda p, s=source_id: progress(s, p)) if progress else None
            try:
                results[source_id] = await book.sync(step)
            except DavError as err:
                results[source_id] = err
        with gc_paused():
            for source_id in self._dav:
                self._results[source_id] = self._read(source_id)
            self._rebuild()
        self._start_finish()  # keys and the cache write: off the loop
        await self._keys_ready()
        return results

    def _source_of(self, contact: Contact) -> Source:
        source = self._sources.get(contact.origin.book)
        if source is None:
            raise NotFoundError(f"no contact source named {contact.origin.book!r}")
        if isinstance(source, FileSource):
            raise EditError(f"{source.path}: imported file is read only; import it into a vdir")
        return source

    async def save(self, contact: Contact, edit: ContactEdit) -> Contact:
        """Write ``edit`` back (only changed lines); returns the re-read contact.
        Raises ConflictError if the card changed meanwhile, EditError if read only."""
        await self._keys_ready()
        source = self._source_of(contact)
        if isinstance(source, CardDavSource):
            saved = await self._dav[source.id].save(contact, edit)
        else:
            card = apply_edit(contact.card, edit)
            if card is contact.card:
                return contact
            replace_card(contact, card)
            saved = contact
        self._reload(source.id)
        return self._find(saved) or saved

    async def create(self, source_id: str, edit: ContactEdit) -> Contact:
        """Add a new contact (vCard 3.0) to a vdir or CardDAV source."""
        await self._keys_ready()
        source = self._sources.get(source_id)
        if isinstance(source, CardDavSource):
            created = await self._dav[source_id].create(edit)
        elif isinstance(source, VdirSource):
            data = new_card(edit)
            path = create_file(source.path, _uid(data), data)
            created = read_vdir_file(path, source_id)
        else:
            raise EditError(f"cannot add contacts to source {source_id!r}")
        self._reload(source_id)
        return self._find(created) or created

    async def delete(self, contact: Contact) -> None:
        await self._keys_ready()
        source = self._source_of(contact)
        if isinstance(source, CardDavSource):
            await self._dav[source.id].delete(contact)
        else:
            remove_card(contact)
        self._reload(source.id)

    def import_file(self, path: Path, source_id: str) -> int:
        """Copy every card of a ``.vcf`` file into a vdir source, one file each
        (adding a UID where missing). Returns how many cards were imported."""
        source = self._sources.get(source_id)
        if not isinstance(source, VdirSource):
            raise EditError(f"source {source_id!r} is not a vdir")
        result = parse_bytes(read_bytes(path), _origin(path))
        for contact in result.contacts:
            card, uid = ensure_uid(contact.card)
            create_file(source.path, uid, card.raw)
        self._reload(source_id)
        return len(result.contacts)

    def _find(self, like: Contact) -> Contact | None:
        for contact in self._results.get(like.origin.book, ReadResult()).contacts:
            same = contact.uid == like.uid if like.uid else contact.card.offset == like.card.offset
            if contact.origin.path == like.origin.path and same:
                return contact
        return None


def _uid(data: bytes) -> str:
    return parse_bytes(data, _origin(Path("new"))).contacts[0].uid


def _origin(path: Path) -> Origin:
    return Origin("import", str(path))


def read_vdir_file(path: Path, book: str) -> Contact:
    contacts = parse_bytes(read_bytes(path), Origin(book, str(path))).contacts
    if not contacts:
        raise VdirError(f"{path}: no card after writing it")
    return contacts[0]
