"""asyncio's debug mode for the whole test run, and its complaints as test failures.

Every event loop made in the test process (pytest-asyncio's, ``asyncio.run`` of an
in-process CLI, Textual's) comes from ``StrictPolicy``: debug mode on (creation
tracebacks for futures and tasks, errors for calls from a foreign thread) and an
exception handler that records what asyncio would otherwise only print: a future or
task whose exception nobody retrieved, a callback that raised, a task destroyed
while pending. The autouse fixture in tests/conftest.py fails the test during which
such a report arrived.
"""

from __future__ import annotations

import asyncio
import gc
import threading
import traceback
from typing import Any

# Reports that mean "an error went unnoticed": each is a defect in the code under test.
FATAL = (
    "exception was never retrieved",
    "Exception in callback",
    "Task was destroyed but it is pending",
    "Unhandled error in exception handler",
)

_lock = threading.Lock()
_reports: list[str] = []
_loops_made = 0


def _describe(context: dict[str, Any]) -> str:
    lines = [str(context.get("message", "")), *(f"  {k}: {v!r}" for k, v in context.items()
                                                 if k not in ("message", "source_traceback"))]
    exc = context.get("exception")
    if isinstance(exc, BaseException):
        lines += traceback.format_exception(exc)
    where = context.get("source_traceback") or getattr(
        context.get("future") or context.get("task") or context.get("handle"),
        "_source_traceback", None)
    if where:
        lines.append("created at:\n" + "".join(traceback.format_list(where)))
    return "\n".join(lines)


def handler(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
    """Record fatal reports; pass everything to asyncio's default handler too."""
    message = str(context.get("message", ""))
    if any(f in message for f in FATAL):
        with _lock:
            _reports.append(_describe(context))
    loop.default_exception_handler(context)


class StrictPolicy(asyncio.DefaultEventLoopPolicy):
    def new_event_loop(self) -> asyncio.AbstractEventLoop:
        global _loops_made
        loop = super().new_event_loop()
        loop.set_debug(True)
        loop.slow_callback_duration = 1.0  # a loaded 2-core CI host: only the egregious
        loop.set_exception_handler(handler)
        with _lock:
            _loops_made += 1
        return loop


def loops_made() -> int:
    with _lock:
        return _loops_made


def take_reports(collect: bool) -> list[str]:
    """The reports since the last call; ``collect`` first runs the garbage collector,
    which is when abandoned futures and tasks are found."""
    if collect:
        gc.collect()
    with _lock:
        found = list(_reports)
        _reports.clear()
    return found
