"""The thread that owns PortAudio (audio mode "device").

Restarting PortAudio to read the device list again takes 36–55 ms with PulseAudio in the
lab (longer with real hardware), and opening or
closing a PulseAudio stream tens of ms: none of it may run on the pjsip thread, which
answers SIP meanwhile. Every PortAudio call of the engine (refresh, list, open, close)
runs here, one job after another, so a restart never meets an open stream elsewhere.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any, TypeVar

from tuiphone.model.errors import TuiphoneError

T = TypeVar("T")
log = logging.getLogger(__name__)
_STOP = object()


class SoundWorker:
    """``submit`` from any thread; the thread starts with the first job."""

    name = "tuiphone-sound"

    def __init__(self) -> None:
        self._jobs: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._stopped = False

    def submit(self, job: Callable[[], T]) -> Future[T]:
        """Run ``job`` on the sound thread; its result or exception lands in the future.
        After ``stop`` nothing runs (a device lost during shutdown opens nothing)."""
        fut: Future[T] = Future()
        with self._lock:
            if self._stopped:
                fut.cancel()
                return fut
            if self._thread is None:
                self._thread = threading.Thread(target=self._main, name=self.name, daemon=True)
                self._thread.start()
            self._jobs.put((job, fut))
        return fut

    def _main(self) -> None:
        while (item := self._jobs.get()) is not _STOP:
            job, fut = item
            if not fut.set_running_or_notify_cancel():
                continue
            try:
                fut.set_result(job())
            except BaseException as err:  # handed to whoever waits
                fut.set_exception(err)
                if not isinstance(err, Exception):
                    raise
                if not isinstance(err, TuiphoneError):  # a bug: said even if nobody waits
                    log.warning("sound job failed", exc_info=err)

    def stop(self, timeout_s: float = 5.0) -> None:
        """Run the jobs already queued (streams closing), then end the thread."""
        with self._lock:
            thread, self._thread, self._stopped = self._thread, None, True
            if thread is not None:
                self._jobs.put(_STOP)
        if thread is not None:
            thread.join(timeout_s)
            if thread.is_alive():
                log.warning("the sound thread did not stop within %.0f s", timeout_s)
