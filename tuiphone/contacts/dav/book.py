"""One CardDAV address book with its offline cache: sync, read, write.

Writes go to the server first (ETag-guarded); the cache is updated from what
the server then returns, because some servers rewrite cards on PUT.
"""

from __future__ import annotations

import os
import urllib.parse
from pathlib import Path

import httpx

from tuiphone.contacts.contact import Contact, Origin
from tuiphone.contacts.dav import ops
from tuiphone.contacts.dav.cache import DavCache
from tuiphone.contacts.dav.client import DavClient, DavSettings
from tuiphone.contacts.dav.discovery import AddressBookInfo, discover
from tuiphone.contacts.dav.hrefs import norm
from tuiphone.contacts.dav.sync import Progress, SyncReport, sync_book
from tuiphone.contacts.editing import ContactEdit, apply_edit, ensure_uid, new_card
from tuiphone.contacts.errors import DavError, EditError
from tuiphone.contacts.filecache import FileCache
from tuiphone.contacts.reader import ReadResult, parse_bytes
from tuiphone.contacts.vdir import filename_for, read_bytes, splice


class CardDavBook:
    """``book_url`` '' means: the first address book discovery finds."""

    def __init__(
        self,
        book_id: str,
        settings: DavSettings,
        cache_dir: Path,
        book_url: str = "",
        transport: httpx.AsyncBaseTransport | None = None,
        files: FileCache | None = None,
    ) -> None:
        """``files`` remembers parsed cache files between loads (a new one if None)."""
        self.id, self.settings, self.book_url = book_id, settings, book_url
        self.cache = DavCache(cache_dir)
        self._transport = transport
        self._files = files if files is not None else FileCache()

    def client(self) -> DavClient:
        return DavClient(self.settings, self._transport)

    async def discover(self) -> list[AddressBookInfo]:
        async with self.client() as client:
            return await discover(client)

    async def _book(self, client: DavClient) -> str:
        if not self.book_url:
            books = await discover(client)
            if not books:
                raise DavError(f"{self.settings.url}: no address book found for this user")
            self.book_url = books[0].url
        url = client.url(self.book_url)
        return url if url.endswith("/") else url + "/"  # hrefs are joined onto it

    async def sync(self, progress: Progress | None = None) -> SyncReport:
        """Bring the cache up to date. Raises DavError subclasses; cache stays valid."""
        async with self.client() as client:
            return await sync_book(client, await self._book(client), self.cache, progress)

    def load(self) -> ReadResult:
        """The cached contacts (works offline)."""
        items = sorted(self.cache.state.items.items())
        paths = [os.fspath(self.cache.cards / item.file) for _, item in items]
        result = self._files.read_all(paths, self.id, [href for href, _ in items])
        self._files.sweep()
        return result

    async def _store(self, client: DavClient, href: str) -> Contact:
        etag, data = await ops.get_card(client, href)
        path = self.cache.put(href, etag, data)
        self.cache.save()
        contacts = parse_bytes(data, _origin(self, path, href)).contacts
        if not contacts:
            raise DavError(f"{client.url(href)}: the server returned no readable card")
        return contacts[0]

    async def save(self, contact: Contact, edit: ContactEdit) -> Contact:
        """Apply ``edit`` and PUT it if the server still has the version we read.
        Raises ConflictError (nothing overwritten) when it changed meanwhile."""
        card = apply_edit(contact.card, edit)
        if card is contact.card:
            return contact
        href = contact.origin.href
        if not href:
            raise EditError(f"{contact.origin.path}: not a card of CardDAV book {self.id}")
        card, _ = ensure_uid(card)
        data = splice(read_bytes(Path(contact.origin.path)), contact.card, card.raw, href)
        async with self.client() as client:
            await ops.put_card(client, href, data, self.cache.etag(href) or "")
            return await self._store(client, href)

    async def create(self, edit: ContactEdit) -> Contact:
        """Upload a new card (never overwrites an existing one)."""
        data = new_card(edit)
        uid = parse_bytes(data, _origin(self, Path(), "")).contacts[0].uid
        async with self.client() as client:
            book = norm(await self._book(client))
            href = urllib.parse.urljoin(book, filename_for(uid))
            await ops.put_card(client, href, data, None)
            return await self._store(client, href)

    async def delete(self, contact: Contact) -> None:
        """Delete on the server (if unchanged there), then from the cache."""
        href = contact.origin.href
        async with self.client() as client:
            await ops.delete_card(client, href, self.cache.etag(href) or "")
        self.cache.drop(href)
        self.cache.save()


def _origin(book: CardDavBook, path: Path, href: str) -> Origin:
    return Origin(book.id, str(path), href)
