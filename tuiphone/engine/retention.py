"""Keeping only what the config allows: ``history_limit`` calls, nothing older than
``retention_days`` (calls, messages with their attachment records, the SIP trace log).
A purge runs when the engine starts and then once a day while it runs."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable

from tuiphone.engine.journal import Journal
from tuiphone.engine.tracefile import drop_older
from tuiphone.model.errors import TuiphoneError
from tuiphone.store.attachments import Attachment
from tuiphone.store.retention import Purged

DAY_S = 86_400.0
log = logging.getLogger("tuiphone.engine.retention")


class Retention:
    def __init__(self, journal: Journal, history_limit: int | None, retention_days: int, *,
                 clock: Callable[[], float] = time.time,
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep) -> None:
        self.journal = journal
        self.history_limit = history_limit
        self.retention_days = retention_days
        self.clock, self.sleep = clock, sleep
        self.purged = asyncio.Event()  # set after each purge (for whoever waits on one)
        # removes the saved files and keys of purged attachments (engine.file_store)
        self.drop_files: Callable[[tuple[Attachment, ...]], object] | None = None

    def cutoff(self) -> float | None:
        return self.clock() - self.retention_days * DAY_S if self.retention_days else None

    async def run(self) -> None:
        """Purge now and every day after, until cancelled."""
        while True:
            await self.purge()
            await self.sleep(DAY_S)

    async def purge(self) -> Purged:
        before = self.cutoff()
        store = self.journal.store
        purged = Purged()
        try:
            purged = await asyncio.to_thread(store.purge, self.history_limit, before)
        except TuiphoneError as err:
            self.journal.complaints.failed("retention purge", str(err))
        trace = self.journal.trace_file
        if before is not None and trace is not None:
            async with self.journal.trace_held():
                try:
                    dropped = await asyncio.to_thread(drop_older, trace, before)
                except OSError as err:
                    self.journal.complaints.failed("SIP trace log", f"{trace}: {err.strerror}")
                else:
                    if dropped:
                        log.info("retention: %d bytes of SIP trace dropped", dropped)
        if purged.files and self.drop_files is not None:
            await asyncio.to_thread(self.drop_files, purged.files)
        if purged.total:
            log.info("retention: %d calls and %d messages dropped", purged.calls,
                     purged.messages)
        self.purged.set()
        return purged
