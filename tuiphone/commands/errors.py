"""Failures that only exist in command mode."""

from __future__ import annotations

from tuiphone.model.errors import SipError, TuiphoneError, UsageError


class ExpectationFailed(TuiphoneError):
    """The command worked but the result is not what the user asked for (exit 1).
    ``result`` is still reported."""

    def __init__(self, message: str, result: object = None) -> None:
        super().__init__(message)
        self.result = result


class CallRefused(SipError):
    """A call ended with a final non-2xx response (exit 4); ``result`` is the report."""

    def __init__(self, code: int, reason: str, result: object = None) -> None:
        super().__init__(code, reason)
        self.result = result


class PluginExit(TuiphoneError):
    """``--nagios``: the check ended WARNING (1), CRITICAL (2) or UNKNOWN (3). ``result``
    is the plugin's whole output, printed as it is; nothing goes to stderr."""

    def __init__(self, status: int, result: object) -> None:
        super().__init__(str(result).split("\n", 1)[0])  # its status line, where one shows
        self.exit_status = status
        self.result = result


class NoEngine(TuiphoneError):
    """The command needs a running engine and none is there (exit 6)."""


class Unsupported(UsageError):
    """Valid syntax for something this build cannot do yet (exit 2)."""


def with_result(err: Exception, result: object) -> Exception:
    """Attach the report a front end should still print for a failed command."""
    err.result = result  # type: ignore[attr-defined]
    return err


def result_of(err: BaseException) -> object:
    """The report attached to ``err`` by ``with_result`` (or a result-carrying error)."""
    return getattr(err, "result", None)
