"""``--csv-stats FILE``: the run's counters every ``--csv-interval`` seconds, one row
each, as SIPp's ``-trace_stat`` writes them (semicolon-separated, a header line), and a
last row when the run ends. Cumulative counts, plus what is up at that moment and the
rate and mean MOS (E-model, see tuiphone.engine.mos) of the calls ended so far."""

from __future__ import annotations

import asyncio
import contextlib
import csv
import time
from typing import IO

from tuiphone.commands.calls.assertions import MOS_METHOD_SHORT
from tuiphone.load.progress import Tally
from tuiphone.model.errors import UsageError

COLUMNS = ("time", "elapsed_s", "placed", "total", "up", "ringing", "connected",
           "answered", "failed", "cancelled", "asr_pct", "calls_per_s", "mos_mean", "mos_method")


class StatLog:
    def __init__(self, handle: IO[str], tally: Tally, interval_s: float) -> None:
        self._handle = handle
        self._out = csv.writer(handle, delimiter=";", lineterminator="\n")
        self._tally = tally
        self._interval = interval_s
        self._task: asyncio.Task[None] | None = None
        self._out.writerow(COLUMNS)

    @classmethod
    def open(cls, path: str, tally: Tally, interval_s: float) -> StatLog:
        """Raises UsageError when the file cannot be written."""
        try:
            return cls(open(path, "w", encoding="utf-8", newline=""),  # noqa: SIM115
                       tally, interval_s)
        except OSError as err:
            raise UsageError(f"--csv-stats {path}: {err.strerror}") from None

    def start(self) -> None:
        self._task = asyncio.ensure_future(self._tick())

    async def _tick(self) -> None:
        while True:
            await asyncio.sleep(self._interval)  # the period the user asked for
            self.write()

    def write(self) -> None:
        s = self._tally.snapshot()
        elapsed = s["elapsed_s"]
        rate = round(s["placed"] / elapsed, 2) if elapsed else ""
        now = time.time()
        stamp = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(now))
        self._out.writerow([f"{stamp}.{int(now % 1 * 1000):03d}", elapsed, s["placed"],
                            s["total"], s["up"], s["ringing"], s["connected"], s["answered"],
                            s["failed"], s["cancelled"], _opt(s["asr_pct"]), rate,
                            _opt(s["mos_mean"]), MOS_METHOD_SHORT])
        self._handle.flush()

    async def close(self) -> None:
        """Stop, write the last row, close the file."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        self.write()
        self._handle.close()


def _opt(value: object) -> object:
    return "" if value is None else value
