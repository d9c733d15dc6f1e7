"""An event recorder usable as a backend ``emit`` callback, with bounded waits."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from tuiphone.model.events import Event


class Recorder:
    def __init__(self) -> None:
        self.events: list[Event] = []
        self._changed = asyncio.Event()

    def __call__(self, event: Event) -> None:
        self.events.append(event)
        self._changed.set()

    async def wait(self, match: Callable[[Event], bool], timeout_s: float = 10.0) -> Event:
        """The first recorded event (past or future) matching ``match``; fails on timeout."""

        async def scan() -> Event:
            seen = 0
            while True:
                for event in self.events[seen:]:
                    if match(event):
                        return event
                seen = len(self.events)
                self._changed.clear()
                await self._changed.wait()

        return await asyncio.wait_for(scan(), timeout_s)
