"""The pjsua2 LogWriter: SIP message dumps go to the trace, the rest goes to the Python
logger "tuiphone.sip". Runs on the pjsip thread (mainThreadOnly), which also runs the
calls: it only takes the raw text of a dump and its time, and hands both on; the dump
is parsed into a TraceEntry on the asyncio side (``Core.trace_dump``). A log line below
the configured level costs a string test and nothing else."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

import pjsua2 as pj

from tuiphone.sip.text import clean

log = logging.getLogger("tuiphone.sip")
_PY_LEVELS = {0: logging.CRITICAL, 1: logging.ERROR, 2: logging.WARNING, 3: logging.INFO}


class TraceWriter(pj.LogWriter):  # type: ignore[misc]
    """Keep a reference to this object for the Endpoint's whole life (lab-facts Q7)."""

    def __init__(self, dump: Callable[[float, str, int], None], log_level: int) -> None:
        super().__init__()
        self._dump = dump  # (time, raw dump text, level): parsed later, off this thread
        self._log_level = log_level
        self.muted = False

    @property
    def log_level(self) -> int:
        return self._log_level

    def mute(self, on: bool) -> None:
        """Drop SIP message dumps while on (the request gate's 403s; pjsip thread)."""
        self.muted = on

    def write(self, entry: pj.LogEntry) -> None:
        try:
            self._write(str(entry.msg), int(entry.level))
        except Exception:  # an exception escaping into C++ would abort
            log.exception("log writer failed")

    def _write(self, msg: str, level: int) -> None:
        if " bytes " in msg and "--end msg--" in msg:
            if not self.muted:
                self._dump(time.time(), msg, level)
            return
        if level <= self._log_level:
            log_line(msg, level)


def log_line(msg: str, level: int) -> None:
    """One pjsip log line to the Python logger (also a dump that did not parse)."""
    log.log(_PY_LEVELS.get(level, logging.DEBUG), "%s", clean(msg).rstrip())
