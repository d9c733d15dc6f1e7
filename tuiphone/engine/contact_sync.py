"""CardDAV syncs by a running engine: on demand and every ``sync_every`` seconds.

A sync runs in a worker thread with its own event loop (HTTP, parsing the fetched
cards and rebuilding the index would otherwise stall the loop the TUI shares); the
index is swapped in when it is done, so searches and caller ID never wait for it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from tuiphone.engine.tasks import cancel_and_wait
from tuiphone.model.contact import BookSync
from tuiphone.model.events import Event, Notice

if TYPE_CHECKING:
    from tuiphone.contacts import ContactBook, DavError, SyncReport


def sync_row(book_id: str, outcome: SyncReport | DavError) -> BookSync:
    """One book's result (``contacts sync`` prints the same rows)."""
    if isinstance(outcome, Exception):
        return BookSync.failed(book_id, str(outcome))
    return BookSync.done(book_id, outcome.fetched, outcome.deleted, outcome.full)


def sync_in_thread(book: ContactBook) -> list[BookSync]:
    """Run ``book.sync()`` to the end on a private loop (call via ``to_thread``)."""
    results = asyncio.run(book.sync())
    return [sync_row(book_id, outcome) for book_id, outcome in results.items()]


class SyncTimer:
    """Calls ``sync`` now and then every ``every_s`` seconds; failures become Notices
    (once per failing streak, so a dead server does not nag every quarter hour)."""

    def __init__(
        self, sync: Callable[[], Awaitable[list[BookSync]]],
        publish: Callable[[Event], None],
    ) -> None:
        self._sync = sync
        self._publish = publish
        self._task: asyncio.Task[None] | None = None
        self._failing: set[str] = set()
        self.rounds = 0  # completed syncs (tests wait on it)

    def start(self, every_s: float) -> None:
        if self._task is None and every_s > 0:
            self._task = asyncio.ensure_future(self._run(every_s))

    async def close(self) -> None:
        await cancel_and_wait(self._task)
        self._task = None

    async def _run(self, every_s: float) -> None:
        while True:
            try:
                rows = await self._sync()
            except Exception as err:  # noqa: BLE001 - keep trying next round
                rows = [BookSync.failed("*", str(err))]
            self._report(rows)
            self.rounds += 1
            await asyncio.sleep(every_s)

    def _report(self, rows: list[BookSync]) -> None:
        for row in rows:
            if row.ok:
                self._failing.discard(row.book)
            elif row.book not in self._failing:
                self._failing.add(row.book)
                self._publish(Notice("warning", f"contacts sync {row.book}: {row.error}"))
