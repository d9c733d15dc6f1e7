"""A doctor's findings, how they print, and the exit status they give.

Each failed check carries the exit code of its kind of failure (the codes of every
command: 2 config, 3 timeout, 4 refused, 5 network/TLS, 1 anything else). The run
exits with the worst: the failure nearest the root cause, since a broken config or
network makes the later checks fail too. Warnings never change the exit status.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from tuiphone.commands import exitcodes
from tuiphone.commands.errors import ExpectationFailed, NoEngine
from tuiphone.model.errors import (
    ConfigError,
    NetworkError,
    SipError,
    Timeout,
    TuiphoneError,
)


class Status(enum.Enum):
    OK = "ok"
    WARN = "warn"
    FAIL = "fail"


@dataclass(frozen=True, slots=True)
class Finding:
    """One check's result. ``fix`` is empty when nothing needs doing; ``code`` is the
    exit code a failure stands for (0 unless ``status`` is FAIL)."""

    check: str
    status: Status
    detail: str
    fix: str = ""
    code: int = 0

    def as_row(self) -> dict[str, str]:
        return {"check": self.check, "status": self.status.value, "detail": self.detail,
                "fix": self.fix}


def ok(check: str, detail: str) -> Finding:
    return Finding(check, Status.OK, detail)


def warn(check: str, detail: str, fix: str) -> Finding:
    return Finding(check, Status.WARN, detail, fix)


def fail(check: str, detail: str, fix: str, code: int = exitcodes.EXPECTATION) -> Finding:
    return Finding(check, Status.FAIL, detail, fix, code)


# worst first: a config error hides everything after it, then the network path, then
# a server that never answers, then one that says no
SEVERITY = (exitcodes.USAGE, exitcodes.NETWORK, exitcodes.TIMEOUT, exitcodes.REFUSED,
            exitcodes.NO_ENGINE, exitcodes.EXPECTATION)


def exit_status(findings: Iterable[Finding]) -> int:
    """0 when nothing failed (warnings included), else the worst failure's code."""
    codes = {f.code if f.code in SEVERITY else exitcodes.EXPECTATION
             for f in findings if f.status is Status.FAIL}
    return next((code for code in SEVERITY if code in codes), exitcodes.OK)


def failure(findings: Sequence[Finding]) -> TuiphoneError | None:
    """The error a failed run raises (its class gives ``exit_status``), or None."""
    code = exit_status(findings)
    if code == exitcodes.OK:
        return None
    failed = [f.check for f in findings if f.status is Status.FAIL]
    text = f"doctor: {len(failed)} check(s) failed: {', '.join(failed)}"
    if code == exitcodes.USAGE:
        return ConfigError([text])
    if code == exitcodes.TIMEOUT:
        return Timeout(text)
    if code == exitcodes.REFUSED:
        return Refused(text)
    if code == exitcodes.NETWORK:
        return NetworkError(text)
    if code == exitcodes.NO_ENGINE:
        return NoEngine(text)
    return ExpectationFailed(text)


class Refused(SipError):
    """A server said no to a check (exit 4); the findings hold its answer."""

    def __init__(self, text: str) -> None:
        TuiphoneError.__init__(self, text)
        self.code, self.reason = 0, text


_MARK = {Status.OK: "ok  ", Status.WARN: "warn", Status.FAIL: "FAIL"}


def render(findings: Sequence[Finding]) -> str:
    """One line per check (``ok``, ``warn`` or ``FAIL``, the check, what was found), and
    under a warning or failure the fix."""
    width = max((len(f.check) for f in findings), default=0)
    lines = []
    for f in findings:
        lines.append(f"{_MARK[f.status]}  {f.check.ljust(width)}  {f.detail}")
        if f.fix:
            lines.append(f"{'':4}  {'':{width}}  fix: {f.fix}")
    return "\n".join(lines) + "\n"
