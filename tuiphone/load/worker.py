"""``python -m tuiphone.load.worker --worker N [--config FILE] [--account ID ...]``:
one worker of a load run (see ``tuiphone.load``), started by the load parent.

It reads the ``start`` line (passwords), starts its engine, says ``ready``, then
places every ordered call at once and reports each one's record when it is over.
``stop`` or the end of its input (the parent is gone) hangs up what is still up,
reports it, stops the engine and exits. Its standard output carries the reports only:
fd 1 is moved to stderr, so nothing a C library prints can break a line.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import sys
from typing import IO, Any

from tuiphone.commands.exitcodes import USAGE, exit_code
from tuiphone.config.loader import load_config
from tuiphone.engine.phone import Phone
from tuiphone.load.drive import place
from tuiphone.load.engine import account_use, chosen_accounts, worker_phone
from tuiphone.load.watch import CallWatch
from tuiphone.load.wire import (
    AccountUse,
    CallOrder,
    CallRecord,
    CallState,
    Done,
    Fatal,
    Outcome,
    Ready,
    Report,
    encode,
    read_order,
)
from tuiphone.model.errors import TuiphoneError


class Worker:
    def __init__(self, index: int, config: str | None, accounts: list[str],
                 out: IO[str]) -> None:
        self.index, self.config, self.accounts, self.out = index, config, accounts, out
        self._calls: set[asyncio.Task[None]] = set()

    def send(self, report: Report) -> None:
        self.out.write(encode(report))
        self.out.flush()

    async def serve(self) -> int:
        reader = await _stdin_reader()
        start = await _read(reader)
        if start is None or start.get("op") != "start":
            return USAGE
        try:
            phone, uses = await self._start(start.get("passwords") or {})
        except TuiphoneError as err:
            self.send(Fatal(str(err), exit_code(err)))
            return exit_code(err)
        watch = CallWatch(phone)
        try:
            await watch.start()
            self.send(Ready(self.index, os.getpid(), uses))
            await self._orders(reader, phone, watch)
        finally:
            await watch.close()
            await phone.stop()
        return 0

    async def _start(self, passwords: dict[str, str]) -> tuple[Phone, tuple[AccountUse, ...]]:
        config = load_config(self.config)
        accounts = chosen_accounts(config, self.accounts)
        phone = worker_phone(config, accounts, passwords)
        try:
            await phone.start()
        except BaseException:
            await phone.stop()
            raise
        return phone, tuple(account_use(a) for a in accounts)

    async def _orders(self, reader: asyncio.StreamReader, phone: Phone,
                      watch: CallWatch) -> None:
        while (message := await _read(reader)) is not None and message.get("op") != "stop":
            if message.get("op") == "call":
                task = asyncio.ensure_future(self._call(phone, watch, read_order(message)))
                self._calls.add(task)
                task.add_done_callback(self._calls.discard)
        watch.stop_all()
        await asyncio.gather(*self._calls)

    async def _call(self, phone: Phone, watch: CallWatch, order: CallOrder) -> None:
        try:
            record = await place(phone, watch, order, self.index, self._state)
        except Exception as err:  # a bug must not leave the parent waiting for this call
            record = CallRecord(order.n, self.index, order.account or "", Outcome.ERROR,
                                0.0, reason=f"worker bug: {err!r}")
        self.send(Done(record))

    def _state(self, n: int, state: str) -> None:
        self.send(CallState(n, state))


async def _stdin_reader() -> asyncio.StreamReader:
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    return reader


async def _read(reader: asyncio.StreamReader) -> dict[str, Any] | None:
    """The next request, None at the end of input. A line that is not JSON ends it too:
    the parent never writes one."""
    line = await reader.readline()
    if not line:
        return None
    try:
        data = json.loads(line)
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def _reports_out() -> IO[str]:
    """The reports' own copy of fd 1; fd 1 itself now goes to stderr."""
    out = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m tuiphone.load.worker")
    ap.add_argument("--worker", type=int, required=True)
    ap.add_argument("--config")
    ap.add_argument("--account", action="append", default=[])
    args = ap.parse_args(argv)
    # Ctrl-C is the parent's to handle: it stops the run and then tells us.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    worker = Worker(args.worker, args.config, args.account, _reports_out())
    return asyncio.run(worker.serve())


if __name__ == "__main__":
    sys.exit(main())
