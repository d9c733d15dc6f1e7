"""Live progress of a load run on stderr: a line rewritten every second on a terminal,
a line every five seconds into a file, a JSON line every second with ``--json``."""

from __future__ import annotations

import asyncio
import contextlib
import json
import sys
import time
from typing import IO, Any

from tuiphone.load.wire import CallRecord, CallState, Outcome


class Tally:
    """Counts of a run so far. Loop thread only."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.placed = self.answered = self.failed = self.cancelled = 0
        self.mos_sum, self.mos_n = 0.0, 0
        self.ringing: set[int] = set()
        self.connected: set[int] = set()
        self.started = time.monotonic()

    def on_placed(self) -> None:
        self.placed += 1

    def on_state(self, state: CallState) -> None:
        if state.state == "connected":
            self.ringing.discard(state.n)
            self.connected.add(state.n)
        else:
            self.ringing.add(state.n)

    def on_record(self, record: CallRecord) -> None:
        self.ringing.discard(record.n)
        self.connected.discard(record.n)
        if record.mos is not None:
            self.mos_sum += record.mos
            self.mos_n += 1
        if record.outcome is Outcome.ANSWERED:
            self.answered += 1
        elif record.outcome is Outcome.CANCELLED:
            self.cancelled += 1
        else:
            self.failed += 1

    def snapshot(self) -> dict[str, Any]:
        done = self.answered + self.failed
        return {
            "event": "progress", "elapsed_s": round(time.monotonic() - self.started, 1),
            "placed": self.placed, "total": self.total,
            "up": self.placed - done - self.cancelled, "ringing": len(self.ringing),
            "connected": len(self.connected), "answered": self.answered,
            "failed": self.failed, "cancelled": self.cancelled,
            "asr_pct": round(100.0 * self.answered / done, 1) if done else None,
            "mos_mean": round(self.mos_sum / self.mos_n, 2) if self.mos_n else None,
        }


def line(s: dict[str, Any]) -> str:
    asr = "-" if s["asr_pct"] is None else f"{s['asr_pct']:.1f} %"
    return (f"load {s['elapsed_s']:7.1f} s  placed {s['placed']}/{s['total']}  "
            f"up {s['up']} (connected {s['connected']})  answered {s['answered']}  "
            f"failed {s['failed']}  ASR {asr}")


class Progress:
    def __init__(self, tally: Tally, as_json: bool, stream: IO[str] = sys.stderr) -> None:
        self.tally, self.as_json, self.stream = tally, as_json, stream
        self.tty = stream.isatty() and not as_json
        self.interval = 1.0 if self.tty or as_json else 5.0
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.ensure_future(self._tick())

    async def _tick(self) -> None:
        while True:
            await asyncio.sleep(self.interval)
            self.show()

    def show(self) -> None:
        snap = self.tally.snapshot()
        if self.as_json:
            text = json.dumps(snap) + "\n"
        elif self.tty:
            text = "\r\033[K" + line(snap)
        else:
            text = line(snap) + "\n"
        with contextlib.suppress(OSError):
            self.stream.write(text)
            self.stream.flush()

    async def stop(self) -> None:
        """Stop ticking; the last line stays (on a terminal, finished with a newline)."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        self.show()
        if self.tty:
            with contextlib.suppress(OSError):
                self.stream.write("\n")
                self.stream.flush()
