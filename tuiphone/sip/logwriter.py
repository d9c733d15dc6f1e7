"""The pjsua2 LogWriter: SIP message dumps become SipTrace events, the rest goes
to the Python logger "tuiphone.sip". Runs on the pjsip thread (mainThreadOnly)."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

import pjsua2 as pj

from tuiphone.model.events import Event, SipTrace
from tuiphone.sip.text import clean
from tuiphone.sip.trace_parse import parse_dump

log = logging.getLogger("tuiphone.sip")
_PY_LEVELS = {0: logging.CRITICAL, 1: logging.ERROR, 2: logging.WARNING, 3: logging.INFO}


class TraceWriter(pj.LogWriter):  # type: ignore[misc]
    """Keep a reference to this object for the Endpoint's whole life (lab-facts Q7)."""

    def __init__(self, emit: Callable[[Event], None], log_level: int) -> None:
        super().__init__()
        self._emit = emit
        self._log_level = log_level
        self.muted = False

    def mute(self, on: bool) -> None:
        """Drop SIP message dumps while on (the request gate's 403s; pjsip thread)."""
        self.muted = on

    def write(self, entry: pj.LogEntry) -> None:
        try:
            self._write(clean(str(entry.msg)), int(entry.level))
        except Exception:  # an exception escaping into C++ would abort
            log.exception("log writer failed")

    def _write(self, msg: str, level: int) -> None:
        if " bytes " in msg and "--end msg--" in msg:
            if self.muted:
                return
            parsed = parse_dump(msg, time.time())
            if parsed is not None:
                self._emit(SipTrace(parsed))
                return
        if level <= self._log_level:
            log.log(_PY_LEVELS.get(level, logging.DEBUG), "%s", msg.rstrip())
