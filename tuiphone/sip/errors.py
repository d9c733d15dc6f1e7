"""Convert pjsua2 errors into tuiphone's exception tree, at the edge.

A user reads one line: what we were doing and why it failed
(``registering work: the host name does not resolve``). The pjsua2 call string
(``pjsua_acc_set_registration(id, renew)``) and source location go to the debug log only.

The converted exception keeps the pj.Error as ``__cause__`` but drops every
traceback: a frame that still references a pjsua2 Call after ``libDestroy``
aborts the process (lab-facts Q2, teardown gotcha).
"""

from __future__ import annotations

import errno
import logging
from typing import Any

from tuiphone.model.errors import (
    BackendError,
    InvalidUri,
    LimitExceeded,
    NetworkError,
    TuiphoneError,
    UsageError,
)
from tuiphone.sip.text import clean

log = logging.getLogger("tuiphone.sip")

PJ_ETOOMANY = 70010
PJ_ERESOLVE = 70018
PJ_EEOF = 70016
PJSIP_EMSGTOOLONG = 171023
PJSIP_EINVALIDURI = 171039
PJSIP_ESESSIONTERMINATED = 171140
_URI_STATUSES = frozenset({171005, 171039, 171040, 171041, 171042, 171043})  # PJSIP_E*URI*
_NET_STATUSES = frozenset(
    {PJ_ERESOLVE, PJ_EEOF, 171060, 171064, 171065, *range(171160, 171180)}  # DNS, transport, TLS
)
PJ_ERRNO_START_SYS = 120000  # 120000 + errno: a failed system call
# A path the user gave (--record into a missing folder): their mistake, not the network's.
_FILE_ERRNOS = frozenset({errno.ENOENT, errno.ENOTDIR, errno.EISDIR, errno.EROFS})
_NET_WORDS = ("transport", "dns", "resolve", "connect", "tls", "ssl", "network", "unreachable")

# pjlib's texts (pj.Error.reason, utilStrError, a transaction's status text) that mislead
# or name a C function, keyed by that exact text; the value is what a user reads.
_READABLE = {
    "gethostbyname() has returned error (PJ_ERESOLVE)": "the host name does not resolve",
    # pjsua's own resolver (name servers configured): the same verdicts, from DNS
    'DNS "Name Error" (PJLIB_UTIL_EDNS_NXDOMAIN)': "the host name does not resolve",
    "No answer record in the DNS response (PJLIB_UTIL_EDNSNOANSWERREC)":
        "the host name does not resolve (no address record)",
    "DNS query timed out (PJLIB_UTIL_EDNS_TIMEDOUT)": "the name servers did not answer",
    'DNS "Server Failure" (PJLIB_UTIL_EDNS_SERVFAIL)': "the name server failed to resolve it",
    "Invalid argument": "Invalid argument (the local address cannot reach the server)",
    "End of file (PJ_EEOF)": "the server closed the connection",
    "Unsupported transport (PJSIP_EUNSUPTRANSPORT)":
        "Unsupported transport (the account has no transport of that kind)",
    "Unsuitable transport selected (PJSIP_ETPNOTSUITABLE)":
        "Unsuitable transport (no local transport can reach that address)",
    "SSL certificate verification error (PJSIP_TLS_ECERTVERIF)":
        "TLS certificate not trusted (unknown CA, expired, or issued for another host)",
    "Error loading/verifying SSL CA list file (PJSIP_TLS_ECACERT)":
        "cannot read the CA list (check ca_file)",
}


def pj_status(err: BaseException) -> int:
    """The pj_status_t of a pj.Error (0 if it has none)."""
    return int(getattr(err, "status", 0) or 0)


def pj_text(err: BaseException) -> str:
    """The raw pj.Error text: the pjsua call that failed and its reason (for the debug log)."""
    reason = str(getattr(err, "reason", "") or err)
    title = str(getattr(err, "title", "") or "")
    return f"{title}: {reason}" if title else reason


def readable(reason: str) -> str:
    """pjlib's reason text as a user should read it (unknown texts pass unchanged)."""
    reason = clean(reason).strip()
    return _READABLE.get(reason, reason)


def pj_reason(err: BaseException) -> str:
    """Why a pj.Error happened, readable, without the pjsua call string."""
    return readable(str(getattr(err, "reason", "") or err)) or "unknown error"


def classify(err: BaseException, action: str) -> TuiphoneError:
    """Map a pj.Error to the tuiphone error a caller of ``action`` should see:
    ``"{action}: {reason}"`` in the exception type its status calls for."""
    status, raw = pj_status(err), pj_text(err)
    message = f"{action}: {pj_reason(err)}"
    low = raw.lower()
    if status in (PJ_ETOOMANY, PJSIP_EMSGTOOLONG):
        return LimitExceeded(message)
    if status in _URI_STATUSES or "invalid uri" in low or "uri scheme" in low:
        return InvalidUri(message)
    if status - PJ_ERRNO_START_SYS in _FILE_ERRNOS:
        return UsageError(message)
    if status in _NET_STATUSES or _is_errno(status) or any(w in low for w in _NET_WORDS):
        return NetworkError(message)  # other errno-derived statuses come from sockets
    return BackendError(message)


def _is_errno(status: int) -> bool:
    return PJ_ERRNO_START_SYS <= status < PJ_ERRNO_START_SYS + 10000


def convert(err: BaseException, action: str) -> TuiphoneError:
    """``classify`` plus a cause without tracebacks; raise the result ``from`` nothing else.

    The raw pjsua2 text (call string, status) is logged at debug level.
    """
    out = classify(err, action)
    log.debug("%s: %s (status %d)", action, pj_text(err), pj_status(err))
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
