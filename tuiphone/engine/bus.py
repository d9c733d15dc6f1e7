"""Event fan-out: every subscriber gets every event, in order; waiters get the first match."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable

from tuiphone.model.errors import Timeout
from tuiphone.model.events import Event

_CLOSED = object()


class EventBus:
    """Runs entirely on the engine's asyncio loop; ``publish`` never blocks.

    Subscriber queues are unbounded because events are small and a slow front end
    must not make the engine drop a call state; a subscriber that stops reading
    should close its iterator.
    """

    def __init__(self) -> None:
        self._queues: set[asyncio.Queue[object]] = set()
        self._waiters: list[tuple[Callable[[Event], bool], asyncio.Future[Event]]] = []
        self._closed = False

    def publish(self, event: Event) -> None:
        for queue in self._queues:
            queue.put_nowait(event)
        still: list[tuple[Callable[[Event], bool], asyncio.Future[Event]]] = []
        for match, fut in self._waiters:
            if fut.done():
                continue
            if match(event):
                fut.set_result(event)
            else:
                still.append((match, fut))
        self._waiters = still

    async def subscribe(self) -> AsyncIterator[Event]:
        """Yield every event published after this call until ``close``."""
        queue: asyncio.Queue[object] = asyncio.Queue()
        self._queues.add(queue)
        try:
            while not self._closed or not queue.empty():
                item = await queue.get()
                if item is _CLOSED:
                    return
                yield item  # type: ignore[misc]
        finally:
            self._queues.discard(queue)

    def waiter(self, match: Callable[[Event], bool]) -> asyncio.Future[Event]:
        """A future resolved by the first later event for which ``match`` is true."""
        fut: asyncio.Future[Event] = asyncio.get_running_loop().create_future()
        self._waiters.append((match, fut))
        return fut

    async def wait(self, match: Callable[[Event], bool], timeout_s: float | None) -> Event:
        """Wait for a matching event. Raises Timeout."""
        fut = self.waiter(match)
        try:
            return await asyncio.wait_for(fut, timeout_s)
        except TimeoutError as err:
            raise Timeout(f"no matching event within {timeout_s:g} s") from err

    def close(self) -> None:
        self._closed = True
        for queue in self._queues:
            queue.put_nowait(_CLOSED)
        for _, fut in self._waiters:
            if not fut.done():
                fut.cancel()
        self._waiters = []
