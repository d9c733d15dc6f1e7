"""Keep Python exceptions out of pjsua2's C++ callbacks.

An exception escaping a SWIG director method unwinds through pjsip's C code
and can abort the process, so every ``on*`` callback is wrapped: errors are
logged on "tuiphone.sip" and the callback returns its default.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])
log = logging.getLogger("tuiphone.sip")


def guarded(fn: F) -> F:
    """Wrap a pjsua2 callback so that it never raises (pjsip thread)."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except Exception:
            log.exception("pjsua2 callback %s failed", fn.__qualname__)
            return None

    return wrapper  # type: ignore[return-value]
