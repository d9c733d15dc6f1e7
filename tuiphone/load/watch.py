"""One event subscription per worker, handed out per call.

Each outgoing call's snapshots go to its own queue, stamped with the monotonic time
they reached the loop, so a call's post-dial delay does not depend on when its driver
got round to reading them. A 486 can arrive before ``Phone.call`` has even returned,
so a queue exists from the first event of a call, and a call's driver claims it by id.
Incoming calls are refused: a load worker only calls out, and a ringing incoming call
would hold one of the engine's four call slots.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import time
from collections.abc import Coroutine
from typing import Any

from tuiphone.engine.api import PhoneApi
from tuiphone.engine.feed import EventFeed
from tuiphone.model.call import CallInfo, Direction
from tuiphone.model.errors import TuiphoneError
from tuiphone.model.events import CallChanged, IncomingCall

Seen = tuple[float, CallInfo]  # (time.monotonic() on arrival, the snapshot)
STOP = None  # put into a call's queue: the run is stopping, hang up
Item = Seen | None
_RELEASED_KEPT = 256  # ids of finished calls remembered, so a late event makes no queue


class CallWatch:
    def __init__(self, phone: PhoneApi) -> None:
        self._phone = phone
        self._feed = EventFeed(phone)
        self._queues: dict[str, asyncio.Queue[Item]] = {}
        self._released: collections.OrderedDict[str, None] = collections.OrderedDict()
        self._task: asyncio.Task[None] | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self.stopping = False

    async def start(self) -> None:
        await self._feed.start()
        self._task = asyncio.ensure_future(self._pump())

    async def _pump(self) -> None:
        while (event := await self._feed.next()) is not None:
            if isinstance(event, IncomingCall):
                self._spawn(self._refuse(event.call.id))
            elif isinstance(event, CallChanged) and event.call.direction is Direction.OUTGOING:
                queue = self._queue(event.call.id)
                if queue is not None:
                    queue.put_nowait((time.monotonic(), event.call))

    def _queue(self, call_id: str) -> asyncio.Queue[Item] | None:
        if call_id in self._released:
            return None
        queue = self._queues.get(call_id)
        if queue is None:
            queue = self._queues[call_id] = asyncio.Queue()
            if self.stopping:
                queue.put_nowait(STOP)
        return queue

    def claim(self, call_id: str) -> asyncio.Queue[Item]:
        """The queue of call ``call_id``'s snapshots (STOP once the run stops)."""
        queue = self._queue(call_id)
        assert queue is not None, f"call {call_id} was claimed twice"
        return queue

    def release(self, call_id: str) -> None:
        self._queues.pop(call_id, None)
        self._released[call_id] = None
        while len(self._released) > _RELEASED_KEPT:
            self._released.popitem(last=False)

    def stop_all(self) -> None:
        """Tell every call, and every call placed from now on, to hang up."""
        self.stopping = True
        for queue in self._queues.values():
            queue.put_nowait(STOP)

    async def _refuse(self, call_id: str) -> None:
        with contextlib.suppress(TuiphoneError):
            await self._phone.reject(call_id, 486)

    def _spawn(self, coro: Coroutine[Any, Any, None]) -> None:
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        await self._feed.close()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
