"""Event fan-out: every subscriber gets every event, in order; waiters get the first match."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

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

    def subscribe(self) -> Subscription:
        """Every event published from now on (registered at once, not at first read)."""
        queue: asyncio.Queue[object] = asyncio.Queue()
        if self._closed:
            queue.put_nowait(_CLOSED)
        self._queues.add(queue)
        return Subscription(queue, self._queues)

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


class Subscription:
    """An async iterator over one subscriber's queue; ``aclose`` unsubscribes."""

    def __init__(self, queue: asyncio.Queue[object], owners: set[asyncio.Queue[object]]) -> None:
        self._queue = queue
        self._owners = owners

    def __aiter__(self) -> Subscription:
        return self

    async def __anext__(self) -> Event:
        item = await self._queue.get()
        if item is _CLOSED:
            self._owners.discard(self._queue)
            raise StopAsyncIteration
        return item  # type: ignore[return-value]

    async def aclose(self) -> None:
        self._owners.discard(self._queue)
