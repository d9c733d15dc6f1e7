"""One exception tree for everything tuiphone raises across a boundary.

Library errors (pjsua2, sqlite3, httpx, OSError) are converted at the edge
with ``raise ... from err`` so front ends only ever catch these.
"""

from __future__ import annotations


class TuiphoneError(Exception):
    """Base of every error tuiphone raises on purpose."""


class ConfigError(TuiphoneError):
    """The configuration is invalid; ``problems`` lists each one."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


class UsageError(TuiphoneError):
    """A caller passed something that can never work (bad URI, unknown id)."""


class InvalidUri(UsageError):
    """A SIP URI or dial string that cannot be parsed."""


class NotFound(UsageError):
    """An account, call or contact id that does not exist."""


class LimitExceeded(UsageError):
    """A hard limit of the pjsua2 wheel (accounts, calls, buddies, body size)."""


class SipError(TuiphoneError):
    """A SIP transaction ended with a final non-2xx response."""

    def __init__(self, code: int, reason: str) -> None:
        super().__init__(f"{code} {reason}")
        self.code = code
        self.reason = reason


class NetworkError(TuiphoneError):
    """Transport-level failure: DNS, connection refused, TLS verification."""


class Timeout(TuiphoneError):
    """No final answer within the allowed time."""


class BackendError(TuiphoneError):
    """The SIP backend failed in a way the user cannot fix (a bug or a dead thread)."""
