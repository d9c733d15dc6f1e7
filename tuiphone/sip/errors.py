"""Convert pjsua2 errors into tuiphone's exception tree, at the edge.

The converted exception keeps the pj.Error as ``__cause__`` but drops every
traceback: a frame that still references a pjsua2 Call after ``libDestroy``
aborts the process (lab-facts Q2, teardown gotcha).
"""

from __future__ import annotations

from typing import Any

from tuiphone.model.errors import (
    BackendError,
    InvalidUri,
    LimitExceeded,
    NetworkError,
    TuiphoneError,
)

PJ_ETOOMANY = 70010
PJSIP_EMSGTOOLONG = 171023
PJSIP_EINVALIDURI = 171039
PJSIP_ESESSIONTERMINATED = 171140
_URI_STATUSES = frozenset({171005, 171039, 171040, 171041, 171042, 171043})  # PJSIP_E*URI*
_NET_STATUSES = frozenset({171060, 171064, 171065, *range(171160, 171180)})  # transport, TLS
_NET_WORDS = ("transport", "dns", "resolve", "connect", "tls", "ssl", "network", "unreachable")


def pj_status(err: BaseException) -> int:
    """The pj_status_t of a pj.Error (0 if it has none)."""
    return int(getattr(err, "status", 0) or 0)


def pj_text(err: BaseException) -> str:
    """A one-line description of a pj.Error: its reason without the file/line noise."""
    reason = str(getattr(err, "reason", "") or err)
    title = str(getattr(err, "title", "") or "")
    return f"{title}: {reason}" if title else reason


def classify(err: BaseException, action: str) -> TuiphoneError:
    """Map a pj.Error to the tuiphone error a caller of ``action`` should see."""
    status, text = pj_status(err), pj_text(err)
    message = f"{action} failed: {text}"
    low = text.lower()
    if status == PJ_ETOOMANY:
        return LimitExceeded(message)
    if status == PJSIP_EMSGTOOLONG:
        return LimitExceeded(message)
    if status in _URI_STATUSES or "invalid uri" in low or "uri scheme" in low:
        return InvalidUri(message)
    if status in _NET_STATUSES or 120000 <= status < 130000 or any(w in low for w in _NET_WORDS):
        return NetworkError(message)  # 120000+: errno-derived (socket) statuses
    return BackendError(message)


def convert(err: BaseException, action: str) -> TuiphoneError:
    """``classify`` plus a cause without tracebacks; raise the result ``from`` nothing else."""
    out = classify(err, action)
    _strip(err)
    out.__cause__ = err
    out.__suppress_context__ = True
    return out


def strip_tracebacks(err: BaseException) -> BaseException:
    """Drop the tracebacks of ``err`` and of every cause/context it chains to.

    Those frames hold pjsua2 objects (a Call in a local) that must not outlive
    ``libDestroy``. Returns ``err``.
    """
    todo: list[Any] = [err]
    seen: set[int] = set()
    while todo:
        cur = todo.pop()
        if cur is None or id(cur) in seen:
            continue
        seen.add(id(cur))
        cur.__traceback__ = None
        todo += [cur.__cause__, cur.__context__]
    return err


def _strip(err: Any) -> None:
    strip_tracebacks(err)
