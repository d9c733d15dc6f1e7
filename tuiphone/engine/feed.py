"""EventFeed: an event subscription that is live *before* the caller reads state.

"Check the current state, then wait for events" is only race-free if the
subscription exists before the state is read; ``start`` guarantees that.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from typing import Any, Protocol, TypeVar

from tuiphone.model.errors import Timeout, TuiphoneError
from tuiphone.model.events import Event

T = TypeVar("T")


class _HasEvents(Protocol):
    def events(self) -> AsyncIterator[Event]: ...


class EventFeed:
    """Pumps ``phone.events()`` into a queue from a task. Use as an async context manager."""

    def __init__(self, phone: _HasEvents) -> None:
        self._phone = phone
        self._queue: asyncio.Queue[Event | None] = asyncio.Queue()
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Return once the subscription is registered with the engine."""
        stream = self._phone.events()
        ready = getattr(stream, "wait_ready", None)
        if ready is not None:
            await ready()
        self._task = asyncio.ensure_future(self._pump(stream))
        # An in-process bus registers its queue on the generator's first step; one
        # pass of the loop runs that step, since tasks start in FIFO order.
        await asyncio.sleep(0)

    async def _pump(self, stream: AsyncIterator[Event]) -> None:
        try:
            async for event in stream:
                self._queue.put_nowait(event)
        except (OSError, TuiphoneError):
            pass  # the engine went away: readers see the end of the stream
        finally:
            self._queue.put_nowait(None)
            closer: Any = getattr(stream, "aclose", None)
            if closer is not None:
                with contextlib.suppress(Exception):
                    await closer()

    async def next(self, timeout_s: float | None = None) -> Event | None:
        """The next event, None when the stream ended. Raises Timeout."""
        try:
            return await asyncio.wait_for(self._queue.get(), timeout_s)
        except TimeoutError:
            raise Timeout(f"nothing happened within {timeout_s:g} s") from None

    async def until(self, match: Callable[[Event], T | None], timeout_s: float | None,
                    late: str = "nothing happened") -> T | None:
        """The first ``match(event)`` that is not None among the events from now on, or
        None if the stream ends first (the engine stopped). Raises Timeout
        ("<late> within <timeout_s> s") when ``timeout_s`` passes first (None: no limit)."""
        try:
            async with asyncio.timeout(timeout_s):
                while (event := await self._queue.get()) is not None:
                    if (found := match(event)) is not None:
                        return found
                return None
        except TimeoutError:
            raise Timeout(f"{late} within {timeout_s:g} s") from None

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task

    async def __aenter__(self) -> EventFeed:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()
