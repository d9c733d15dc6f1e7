"""Work from the pjsip thread reaches the asyncio loop in order, one hop per burst.

``put(fn, arg)`` queues ``fn(arg)`` for the loop. The first item of a burst schedules one
``call_soon_threadsafe`` (a self-pipe write and a loop wake-up); the rest of the burst
rides along. Between ``hold()`` and ``release()`` on one thread (one ``libHandleEvents``
round: a REGISTER's 401 and 200, an INVITE's 100/180/200 with their trace lines), that
thread's items wait and then leave in one hop. Items from other threads are never held.
Order is kept: the loop runs them as they were put.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from collections.abc import Callable, Iterator
from typing import Any

log = logging.getLogger("tuiphone.sip")


class Handoff:
    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop
        self._lock = threading.Lock()
        self._items: list[tuple[Callable[[Any], None], Any]] = []
        self._scheduled = False
        self._holder: int | None = None  # the thread between hold() and release()
        self.hops = 0  # call_soon_threadsafe calls made (for tests and the bench)
        self.items = 0  # items handed over

    @property
    def loop(self) -> asyncio.AbstractEventLoop:
        return self._loop

    def put(self, fn: Callable[[Any], None], arg: Any) -> None:
        """Run ``fn(arg)`` on the loop, after everything put before it. Any thread."""
        with self._lock:
            self._items.append((fn, arg))
            if self._scheduled or self._holder == threading.get_ident():
                return
            self._scheduled = True
        self._schedule()

    def hold(self) -> None:
        """Collect this thread's items until ``release`` (call it in a ``finally``)."""
        self._holder = threading.get_ident()

    def release(self) -> None:
        """Send what ``hold`` collected, in one hop."""
        self._holder = None
        if not self._items:  # most rounds (an RTP packet): nothing to send, no lock
            return
        with self._lock:
            self._holder = None
            go = bool(self._items) and not self._scheduled
            if go:
                self._scheduled = True
        if go:
            self._schedule()

    @contextlib.contextmanager
    def held(self) -> Iterator[None]:
        """``hold`` for the block, then ``release``."""
        self.hold()
        try:
            yield
        finally:
            self.release()

    def _schedule(self) -> None:
        try:
            self._loop.call_soon_threadsafe(self._drain)
            self.hops += 1
        except RuntimeError:  # the loop is closed: nobody will read them
            with self._lock:
                dropped, self._items = len(self._items), []
                self._scheduled = False
            log.debug("%d events dropped, loop closed", dropped)

    def _drain(self) -> None:
        with self._lock:
            items, self._items = self._items, []
            self._scheduled = False
        self.items += len(items)
        for fn, arg in items:
            try:
                fn(arg)
            except Exception:  # one faulty handler must not lose the rest of the burst
                log.exception("event handler failed on the loop")
