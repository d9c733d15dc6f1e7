"""The load parent's workers: child processes speaking ``wire`` over pipes.

Each runs in its own session, so a Ctrl-C at the terminal reaches the parent only,
which then stops the run in order. A worker that dies resolves its pending calls as
``error`` records naming its exit status and last stderr line; nothing waits forever.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from tuiphone.load.wire import (
    STOP_LINE,
    CallOrder,
    CallRecord,
    CallState,
    Done,
    Fatal,
    Outcome,
    Ready,
    decode,
    order_line,
    start_line,
)
from tuiphone.model.errors import TuiphoneError

WORKER_MODULE = "tuiphone.load.worker"
# Workers start here: ``python -m`` puts the working directory first on sys.path, so a
# worker runs the very tuiphone its parent runs (a checkout, not an older install).
PACKAGE_ROOT = Path(__file__).resolve().parents[2]
READY_WAIT_S = 60.0  # a worker imports pjsua2 and starts its engine (~0.3 s when idle)
EXIT_WAIT_S = 15.0  # after "stop": hang up (a CANCEL may wait for its 487), report, stop
StateHook = Callable[[CallState], None]


class WorkerFailed(TuiphoneError):
    """A worker could not start; ``exit_code`` is the status the run exits with."""

    def __init__(self, message: str, exit_code: int) -> None:
        super().__init__(message)
        self.exit_code = exit_code


class Worker:
    def __init__(self, index: int, proc: asyncio.subprocess.Process,
                 on_state: StateHook) -> None:
        self.index, self.proc, self.on_state = index, proc, on_state
        self.pending: dict[int, asyncio.Future[CallRecord]] = {}
        self.ready: asyncio.Future[Ready] = asyncio.get_running_loop().create_future()
        self.errors: collections.deque[str] = collections.deque(maxlen=20)
        self._tasks = [asyncio.ensure_future(self._reports()),
                       asyncio.ensure_future(self._stderr())]

    @classmethod
    async def spawn(cls, index: int, argv: Sequence[str], on_state: StateHook) -> Worker:
        proc = await asyncio.create_subprocess_exec(
            *argv, stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE, start_new_session=True, cwd=PACKAGE_ROOT)
        return cls(index, proc, on_state)

    @property
    def busy(self) -> int:
        return len(self.pending)

    async def start(self, passwords: dict[str, str]) -> Ready:
        """Raises WorkerFailed."""
        self._write(start_line(passwords))
        try:
            return await asyncio.wait_for(asyncio.shield(self.ready), READY_WAIT_S)
        except TimeoutError:
            raise WorkerFailed(f"worker {self.index} did not start within {READY_WAIT_S:g} s",
                               1) from None

    def place(self, order: CallOrder) -> asyncio.Future[CallRecord]:
        done: asyncio.Future[CallRecord] = asyncio.get_running_loop().create_future()
        if self.proc.returncode is not None:
            done.set_result(self._lost(order.n))
            return done
        self.pending[order.n] = done
        self._write(order_line(order))
        return done

    def stop_calls(self) -> None:
        """Hang up every call and exit once they are reported."""
        self._write(STOP_LINE)

    async def close(self) -> None:
        """Stop (see ``stop_calls``), wait for the exit (bounded), else kill."""
        self.stop_calls()
        try:
            await asyncio.wait_for(self.proc.wait(), EXIT_WAIT_S)
        except TimeoutError:
            self.kill()
            await self.proc.wait()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    def kill(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            self.proc.kill()

    def _write(self, line: str) -> None:
        stdin = self.proc.stdin
        if stdin is None or stdin.is_closing():
            return
        with contextlib.suppress(ConnectionError, RuntimeError):
            stdin.write(line.encode())

    async def _reports(self) -> None:
        assert self.proc.stdout is not None
        async for line in self.proc.stdout:
            try:
                report = decode(line)
            except ValueError:
                self.errors.append(line.decode(errors="replace").rstrip())
                continue
            self._handle(report)
        await self.proc.wait()
        self._gone()

    def _handle(self, report: object) -> None:
        match report:
            case Done(record=record):
                future = self.pending.pop(record.n, None)
                if future is not None and not future.done():
                    future.set_result(record)
            case CallState():
                self.on_state(report)
            case Ready():
                if not self.ready.done():
                    self.ready.set_result(report)
            case Fatal(message=message, exit_code=code):
                if not self.ready.done():
                    self.ready.set_exception(WorkerFailed(message, code))

    def _gone(self) -> None:
        """The worker exited: what it still owed becomes error records."""
        if not self.ready.done():
            self.ready.set_exception(WorkerFailed(self._epitaph(), 1))
        for n, future in list(self.pending.items()):
            if not future.done():
                future.set_result(self._lost(n))
        self.pending.clear()

    def _lost(self, n: int) -> CallRecord:
        return CallRecord(n, self.index, "", Outcome.ERROR, 0.0, reason=self._epitaph())

    def _epitaph(self) -> str:
        last = self.errors[-1] if self.errors else "no message"
        return f"worker {self.index} exited with status {self.proc.returncode}: {last}"

    async def _stderr(self) -> None:
        assert self.proc.stderr is not None
        async for line in self.proc.stderr:
            self.errors.append(line.decode(errors="replace").rstrip())


class Pool:
    def __init__(self, workers: list[Worker]) -> None:
        self.workers = workers
        self._turn = 0

    @classmethod
    async def spawn(cls, count: int, argv: Callable[[int], list[str]],
                    on_state: StateHook) -> Pool:
        """``count`` worker processes; ``argv(i)`` starts worker ``i``. Raises OSError."""
        workers: list[Worker] = []
        try:
            for i in range(count):
                workers.append(await Worker.spawn(i, argv(i), on_state))
        except BaseException:
            await cls(workers).close()
            raise
        return cls(workers)

    async def start(self, passwords: dict[str, str]) -> tuple[Ready, ...]:
        """Start every worker's engine. Raises WorkerFailed (the caller closes the pool)."""
        return tuple(await asyncio.gather(*(w.start(passwords) for w in self.workers)))

    def least_busy(self) -> Worker:
        """The worker with the fewest calls up; ties go round, to spread the work."""
        turn = self._turn % len(self.workers)
        self._turn += 1
        return min(self.workers[turn:] + self.workers[:turn], key=lambda w: w.busy)

    def stop_calls(self) -> None:
        for worker in self.workers:
            worker.stop_calls()

    def kill(self) -> None:
        for worker in self.workers:
            worker.kill()

    async def close(self) -> None:
        await asyncio.gather(*(w.close() for w in self.workers))


def worker_argv(config: str | None, accounts: Sequence[str]) -> Callable[[int], list[str]]:
    """The command line of worker ``i``: this interpreter, the same config and accounts."""
    tail = ["--config", os.path.abspath(config)] if config else []
    for account in accounts:
        tail += ["--account", account]
    return lambda i: [sys.executable, "-m", WORKER_MODULE, "--worker", str(i), *tail]
