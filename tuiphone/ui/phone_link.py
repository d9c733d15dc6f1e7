"""The screen's hold on the engine: absent until it starts, then every request goes here.

A request made before the engine is up (it starts after the first paint) waits for it
instead of being dropped; a ``TuiphoneError`` becomes a notification, never a crash.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Coroutine
from functools import partial
from typing import Any

from textual.dom import DOMNode
from textual.widget import Widget
from textual.worker import Worker

from tuiphone.engine.api import PhoneApi
from tuiphone.model.call import CallInfo
from tuiphone.model.errors import TuiphoneError

ENGINE_WAIT_S = 30.0
Job = Callable[[], Awaitable[object]]


def in_worker(host: DOMNode, job: Callable[[], Coroutine[Any, Any, None]], group: str,
              exclusive: bool = True) -> Worker[None]:
    """Run ``job()`` in a worker of ``host``; made only when the worker starts, so a job
    that an exclusive newer one cancels first leaves no coroutine behind."""
    worker: Worker[None] = host.run_worker(job, group=group, exclusive=exclusive)
    return worker


class PhoneLink:
    """``host`` runs the workers and shows the notifications (the main screen)."""

    def __init__(self, host: Widget) -> None:
        self.host = host
        self.phone: PhoneApi | None = None
        self._ready: asyncio.Event | None = None

    def attach(self, phone: PhoneApi) -> None:
        self.phone = phone
        self.ready().set()

    def ready(self) -> asyncio.Event:
        """Set once the engine is attached (made on first use, inside the app's loop)."""
        if self._ready is None:
            self._ready = asyncio.Event()
            if self.phone is not None:
                self._ready.set()
        return self._ready

    def need(self) -> PhoneApi:
        """The phone; only for jobs that ``run`` runs, which start once it exists."""
        assert self.phone is not None
        return self.phone

    def calls(self) -> tuple[CallInfo, ...]:
        return self.phone.state().calls if self.phone is not None else ()

    def run(self, what: str, job: Job) -> Worker[object]:
        """Run one engine request in a worker of the host (group "phone")."""
        return self.host.run_worker(partial(self._run, what, job), group="phone")

    async def _run(self, what: str, job: Job) -> object:
        notify = self.host.notify
        if self.phone is None:
            notify(f"{what}: waiting for the engine to start")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.ready().wait(), ENGINE_WAIT_S)
        if self.phone is None:
            notify(f"{what}: the engine did not start", severity="error")
            return None
        try:
            return await job()
        except TuiphoneError as err:
            notify(f"{what}: {err}", title="tuiphone", severity="error")
            return None
