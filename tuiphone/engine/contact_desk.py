"""The address book as the engine serves it: details, photos, edits, reloads.

``ContactDesk`` sits next to ``CallerId`` (which owns the loaded ``ContactBook``).
Writes and reloads are serialised by one lock; parsing runs in worker threads while
searches keep using the previous index until the new one is swapped in. Every change
(our own edit, or files changed by vdirsyncer, khard or ``tuiphone contacts sync``
in another process) publishes ``ContactsChanged`` so every front end refreshes.

Outside changes are noticed by polling the modification time of each book's folder
(one ``stat`` per folder): vdirsyncer, khard and tuiphone itself write a card to a
temporary file and rename it, which changes the folder. An editor rewriting a card
in place is only seen on the next explicit ``reload_contacts``.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable, Coroutine, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from tuiphone.engine.callerid import CallerId
from tuiphone.engine.contact_data import address_books, contact_details, photo_of
from tuiphone.engine.contact_fields import check_fields, edit_from_fields
from tuiphone.engine.contact_sync import SyncTimer, sync_in_thread
from tuiphone.engine.photo_fetch import PhotoFetcher
from tuiphone.engine.tasks import cancel_and_wait
from tuiphone.model.contact import (
    AddressBook,
    BookSync,
    ContactDetails,
    ContactFields,
    ContactPhoto,
)
from tuiphone.model.errors import NotFound, UsageError
from tuiphone.model.events import ContactsChanged, Event, Notice

if TYPE_CHECKING:
    from tuiphone.contacts import Contact, ContactBook

T = TypeVar("T")
POLL_S = 5.0
NO_BOOK = "no address book configured: set contacts.vdirs or [[contacts.carddav]]"


async def _off_loop(work: Coroutine[Any, Any, T]) -> T:
    """Run a book write on a private loop in a worker thread: after writing, the book
    re-reads the source and rebuilds its index, which takes a while for big books."""
    return await asyncio.to_thread(asyncio.run, work)


def _stamp(paths: Sequence[Path]) -> tuple[int, ...]:
    out = []
    for path in paths:
        try:
            out.append(os.stat(path).st_mtime_ns)
        except OSError:
            out.append(-1)
    return tuple(out)


class ContactDesk:
    def __init__(self, callerid: CallerId, publish: Callable[[Event], None]) -> None:
        self._callerid = callerid
        self._publish = publish
        self._lock = asyncio.Lock()
        self._watch: tuple[Path, ...] = ()
        self._seen: tuple[int, ...] = ()
        self._poller: asyncio.Task[None] | None = None
        self._by_key: dict[str, Contact] = {}  # of the index in _keyed
        self._keyed: object = None
        self.interval_s = POLL_S
        self.watching = asyncio.Event()
        self.sync_every = 0  # seconds between CardDAV syncs; 0: only on request
        self.fetch_remote = False  # fetch PHOTO URLs (contacts.fetch_remote_photos)
        self._fetcher = PhotoFetcher()
        self.sync_timer = SyncTimer(self.sync, publish)

    def watch(self, paths: Sequence[Path]) -> None:
        """Announce the first load (ContactsChanged), then reload when one of these
        folders changes (checked every ``interval_s``). Call after the book started
        loading; ``watching`` is set once the first look has been taken."""
        self._watch = tuple(paths)
        if self._poller is None:
            self._poller = asyncio.ensure_future(self._poll())

    async def close(self) -> None:
        await self.sync_timer.close()
        await cancel_and_wait(self._poller)
        self._poller = None

    async def _poll(self) -> None:
        await self._callerid.ready()
        book = self._callerid.book
        if book is None:
            return  # loading failed (already reported): nothing to refresh
        self._publish(ContactsChanged(len(book.index.contacts)))  # the first load is done
        self.sync_timer.start(self.sync_every)
        if not self._watch:
            return
        self._seen = await asyncio.to_thread(_stamp, self._watch)
        self.watching.set()
        while True:
            await asyncio.sleep(self.interval_s)
            now = await asyncio.to_thread(_stamp, self._watch)
            if now == self._seen or self._lock.locked():
                continue
            try:
                await self.reload()
            except Exception as err:  # noqa: BLE001 - the watch must outlive a bad reload
                self._seen = now
                self._publish(Notice("warning", f"contacts not reloaded: {err}"))

    # reading

    async def _book(self) -> ContactBook:
        await self._callerid.ready()
        book = self._callerid.book
        if book is None:
            raise UsageError(NO_BOOK)
        return book

    async def find(self, contact_id: str) -> Contact:
        """The contact with this ``key``: the first one, as ``find_by_id`` says. Looked
        up in a map made once per index (the pane asks at every highlight)."""
        index = (await self._book()).index
        if index is not self._keyed:
            self._by_key = {c.key: c for c in reversed(index.contacts)}  # first one wins
            self._keyed = index
        found = self._by_key.get(contact_id)
        if found is None:
            raise NotFound(f"no contact with id {contact_id!r}")
        return found

    async def details(self, contact_id: str) -> ContactDetails:
        contact = await self.find(contact_id)
        book = await self._book()
        return contact_details(contact, book.writable(contact.origin.book))

    async def photo(self, contact_id: str) -> ContactPhoto | None:
        """The card's photo; a remote one (a URL) is fetched only when
        ``fetch_remote`` is set (``contacts.fetch_remote_photos``)."""
        contact = await self.find(contact_id)
        if not contact.has_photo:
            return None
        photo = await asyncio.to_thread(photo_of, contact)
        if photo is not None and photo.mime == "url" and self.fetch_remote:
            return await self._fetcher.payload(photo.url) or photo
        return photo

    # writing

    async def save(self, contact_id: str, fields: ContactFields) -> ContactDetails:
        check_fields(fields)
        async with self._lock:
            contact = await self.find(contact_id)
            book = await self._book()
            saved = await _off_loop(book.save(contact, edit_from_fields(fields, contact)))
            await self._changed(book)
            return contact_details(saved, True)

    async def create(self, fields: ContactFields, book_id: str | None) -> ContactDetails:
        check_fields(fields)
        if not (fields.fn or "").strip():
            raise UsageError("a new contact needs a name (fn)")
        async with self._lock:
            book = await self._book()
            target = book_id or next(iter(self.writable_books(book)), None)
            if target is None:
                raise UsageError("no writable address book (vdir or CardDAV) configured")
            created = await _off_loop(book.create(target, edit_from_fields(fields)))
            await self._changed(book)
            return contact_details(created, True)

    async def delete(self, contact_id: str) -> None:
        async with self._lock:
            contact = await self.find(contact_id)
            book = await self._book()
            await _off_loop(book.delete(contact))
            await self._changed(book)

    @staticmethod
    def writable_books(book: ContactBook) -> list[str]:
        return [s for s in book.source_ids() if book.writable(s)]

    async def books(self) -> list[AddressBook]:
        return await asyncio.to_thread(address_books, await self._book())

    async def reload(self) -> int:
        """Re-read every source (unchanged files are not parsed again); returns the count."""
        book = await self._book()
        async with self._lock:
            await asyncio.to_thread(book.load)
            await self._changed(book)
        return len(book.index.contacts)

    async def sync(self) -> list[BookSync]:
        """Sync the CardDAV books (in a worker thread); one row per book."""
        book = await self._book()
        async with self._lock:
            rows = await asyncio.to_thread(sync_in_thread, book)
            await self._changed(book)
        return rows

    async def _changed(self, book: ContactBook) -> None:
        if self._watch:
            self._seen = await asyncio.to_thread(_stamp, self._watch)
        self._publish(ContactsChanged(len(book.index.contacts)))
