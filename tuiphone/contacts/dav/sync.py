"""Bring a DavCache up to date with its server book.

Incremental when the stored sync token is accepted; a full listing (initial
sync-collection, or PROPFIND ETags where sync is unsupported) otherwise.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from tuiphone.contacts.dav import ops
from tuiphone.contacts.dav.cache import DavCache
from tuiphone.contacts.dav.client import DavClient
from tuiphone.contacts.errors import InvalidSyncToken

BATCH = 100


@dataclass(frozen=True, slots=True)
class SyncProgress:
    """``phase`` is "listing", "fetching" or "done"; counts are cards."""

    phase: str
    done: int = 0
    total: int = 0


@dataclass(frozen=True, slots=True)
class SyncReport:
    fetched: int
    deleted: int
    full: bool
    token: str


Progress = Callable[[SyncProgress], None]


async def _full(client: DavClient, book: str, cache: DavCache) -> ops.SyncDelta:
    try:
        remote = await ops.sync_collection(client, book, "")
        etags, token = remote.changed, remote.token
    except ops.SyncUnsupported:
        etags, token = await ops.list_etags(client, book), ""
    deleted = [h for h in cache.state.items if h not in etags]
    return ops.SyncDelta(etags, deleted, token)


async def _delta(client: DavClient, book: str, cache: DavCache) -> tuple[ops.SyncDelta, bool]:
    token = cache.state.sync_token if cache.state.book_url == book else ""
    if token:
        try:
            return await ops.sync_collection(client, book, token), False
        except (InvalidSyncToken, ops.SyncUnsupported):
            pass
    return await _full(client, book, cache), True


async def sync_book(
    client: DavClient, book: str, cache: DavCache, progress: Progress | None = None
) -> SyncReport:
    """Sync ``cache`` with address book URL ``book``. Raises DavError subclasses;
    on error the cache keeps its previous token, so nothing is lost or skipped."""
    report = progress or (lambda _p: None)
    report(SyncProgress("listing"))
    if cache.state.book_url != book:
        for href in list(cache.state.items):
            cache.drop(href)
    delta, full = await _delta(client, book, cache)
    wanted = [h for h, tag in delta.changed.items() if not tag or cache.etag(h) != tag]
    fetched = 0
    gone = list(delta.deleted)
    for start in range(0, len(wanted), BATCH):
        report(SyncProgress("fetching", start, len(wanted)))
        found, missing = await ops.multiget(client, book, wanted[start : start + BATCH])
        for href, (etag, data) in found.items():
            cache.put(href, etag or delta.changed.get(href, ""), data)
        gone += missing
        fetched += len(found)
    dropped = sum(cache.drop(href) for href in gone)
    cache.state.book_url, cache.state.sync_token = book, delta.token
    cache.save()
    report(SyncProgress("done", len(wanted), len(wanted)))
    return SyncReport(fetched, dropped, full, delta.token)
