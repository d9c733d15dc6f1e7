"""The "pjsip" thread: the only thread that touches pjsua2 objects.

It drains a queue of jobs (closures), then blocks in ``libHandleEvents(poll_ms)``.
Submitting a job sends a CRLF keep-alive datagram to a UDP SIP socket the engine
listens on (loopback, or ``bind_address`` when it names one interface), which ends
the long poll at once (pjsip ignores the datagram).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import queue
import socket
import threading
from collections.abc import Callable
from typing import Any, Protocol, TypeVar

from tuiphone.model.errors import BackendError, TuiphoneError
from tuiphone.sip.errors import strip_tracebacks

T = TypeVar("T")
Job = Callable[[], None]


class Batch(Protocol):
    """What carries a request's events and its result to the loop in one hop
    (``handoff.Handoff``)."""

    def held(self) -> contextlib.AbstractContextManager[None]: ...

    def put(self, fn: Callable[[Any], None], arg: Any) -> None: ...

_WAKE = b"\r\n\r\n"
log = logging.getLogger("tuiphone.sip")


class PjLoop:
    """Runs ``setup`` then a job/poll loop on a dedicated thread.

    ``setup`` and ``teardown`` run on the pjsip thread; ``setup`` returns the
    (address, port) of a UDP SIP socket, used for wake-ups. Not restartable.
    """

    def __init__(self, poll: Callable[[int], None], poll_ms: int) -> None:
        self._poll = poll
        self._poll_ms = poll_ms
        self._jobs: queue.SimpleQueue[Job] = queue.SimpleQueue()
        self._stop = False
        self._closed = False  # teardown done: queued requests fail, jobs are dropped
        self._thread: threading.Thread | None = None
        self._wake_addr: tuple[str, int] | None = None
        self._sock: socket.socket | None = None

    @property
    def alive(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def on_thread(self) -> bool:
        """True when called from the pjsip thread."""
        return threading.current_thread() is self._thread

    def start(self, setup: Callable[[], tuple[str, int]], teardown: Callable[[], None]) -> None:
        """Start the thread and block until ``setup`` has run; re-raises its error."""
        ready = threading.Event()
        failure: list[BaseException] = []

        def main() -> None:
            try:
                self._set_wake(*setup())
            except BaseException as err:  # handed to the starting thread
                failure.append(err)
                teardown()
                self._closed = True
                ready.set()
                return
            ready.set()
            self._run()
            teardown()
            self._closed = True
            self._fail_pending()

        self._thread = threading.Thread(target=main, name="pjsip", daemon=True)
        self._thread.start()
        if not ready.wait(30):
            raise BackendError("pjsip thread did not start within 30 s")
        if failure:
            self._thread.join(10)
            raise failure[0]

    def _set_wake(self, host: str, port: int) -> None:
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self._sock = socket.socket(family, socket.SOCK_DGRAM)
        self._wake_addr = (host, port)

    def _run(self) -> None:
        jobs = self._jobs
        while not self._stop:
            if not jobs.empty():  # (in a call this loop turns for every RTP packet)
                self._drain()
            if self._stop:
                break
            try:
                self._poll(self._poll_ms)
            except Exception:  # keep the only pjsua2 thread alive
                log.exception("libHandleEvents failed")
        self._drain()

    def _drain(self) -> None:
        while True:
            try:
                job = self._jobs.get_nowait()
            except queue.Empty:
                return
            try:
                job()
            except Exception:  # a deferred job with a bug; requests never raise
                log.exception("deferred job failed on the pjsip thread")

    def _fail_pending(self) -> None:
        """After teardown: fail queued requests, drop plain jobs (pjsua is gone). Any thread."""
        while True:
            try:
                job = self._jobs.get_nowait()
            except queue.Empty:
                return
            if isinstance(job, _Request):
                job.fail()

    def post(self, job: Job) -> None:
        """Queue ``job`` for the pjsip thread and wake it. Any thread."""
        self._jobs.put(job)
        self.wake()

    def wake(self) -> None:
        """End the current ``libHandleEvents`` wait early. Any thread."""
        sock, addr = self._sock, self._wake_addr
        if sock is not None and addr is not None and not self.on_thread():
            try:
                sock.sendto(_WAKE, addr)
            except OSError:
                log.debug("wake datagram failed", exc_info=True)

    async def run(self, fn: Callable[[], T], batch: Batch | None = None) -> T:
        """Run ``fn`` on the pjsip thread and return its result on the calling loop.
        With ``batch``, the events ``fn`` hands over and its result reach the loop in
        one hop, the result after the events.

        Raises what ``fn`` raises (it must raise only tuiphone errors), or
        BackendError if the thread is gone.
        """
        if not self.alive:
            raise BackendError("the SIP backend is not running")
        loop = asyncio.get_running_loop()
        fut: asyncio.Future[T] = loop.create_future()
        self.post(_Request(loop, fut, fn, batch))
        if self._closed:  # lost the race with stop(): nobody will run it
            self._fail_pending()
        return await fut

    def stop(self, timeout: float = 15.0) -> None:
        """Ask the loop to end, wait for teardown. Call from a non-pjsip thread."""

        def flag() -> None:
            self._stop = True

        if self.alive:
            self.post(flag)
            assert self._thread is not None
            self._thread.join(timeout)
        if self._sock is not None:
            self._sock.close()


class _Request:
    """A job whose result (or error) goes to an asyncio future."""

    __slots__ = ("loop", "fut", "fn", "batch")

    def __init__(
        self, loop: asyncio.AbstractEventLoop, fut: asyncio.Future[Any], fn: Callable[[], Any],
        batch: Batch | None = None,
    ) -> None:
        self.loop, self.fut, self.fn, self.batch = loop, fut, fn, batch

    def __call__(self) -> None:
        if self.batch is None:
            _complete(self.loop, self.fut, self.fn, None)
            return
        with self.batch.held():
            _complete(self.loop, self.fut, self.fn, self.batch)

    def fail(self) -> None:
        _settle(self.loop, self.fut, None, BackendError("the SIP backend has stopped"), None)


def _complete(
    loop: asyncio.AbstractEventLoop, fut: asyncio.Future[Any], fn: Callable[[], Any],
    batch: Batch | None,
) -> None:
    try:
        result = fn()
    except TuiphoneError as err:
        _settle(loop, fut, None, strip_tracebacks(err), batch)
        return
    except Exception as err:  # a bug: don't let it kill the pjsip thread
        log.exception("job failed on the pjsip thread")
        strip_tracebacks(err)
        _settle(loop, fut, None, BackendError(f"{type(err).__name__}: {err}"), batch)
        return
    _settle(loop, fut, result, None, batch)


def _settle(
    loop: asyncio.AbstractEventLoop,
    fut: asyncio.Future[Any],
    result: Any,
    err: BaseException | None,
    batch: Batch | None,
) -> None:
    def apply() -> None:
        if fut.done():
            return
        if err is not None:
            fut.set_exception(err)
        else:
            fut.set_result(result)

    if batch is not None:  # behind the events the job handed over, in the same hop
        batch.put(lambda _: apply(), None)
        return
    with contextlib.suppress(RuntimeError):  # a closed loop: nobody is waiting any more
        loop.call_soon_threadsafe(apply)
