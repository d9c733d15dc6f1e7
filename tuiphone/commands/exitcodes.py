"""The one mapping from exceptions to process exit codes (see man tuiphone, EXIT STATUS)."""

from __future__ import annotations

from tuiphone.commands.errors import ExpectationFailed, NoEngine, PluginExit
from tuiphone.control.errors import EngineNotRunning
from tuiphone.model.errors import (
    ConfigError,
    NetworkError,
    SipError,
    Timeout,
    UsageError,
)

OK = 0
EXPECTATION = 1
USAGE = 2
TIMEOUT = 3
REFUSED = 4
NETWORK = 5
NO_ENGINE = 6

_ORDER: tuple[tuple[type[BaseException], int], ...] = (
    (ExpectationFailed, EXPECTATION),
    (UsageError, USAGE),
    (ConfigError, USAGE),
    (Timeout, TIMEOUT),
    (SipError, REFUSED),
    (NetworkError, NETWORK),
    (NoEngine, NO_ENGINE),
    (EngineNotRunning, NO_ENGINE),
)


def exit_code(err: BaseException) -> int:
    """The exit code for a failed command: never 0; 1 for unmet expectations and for
    failures with no code of their own (BackendError, store errors); a monitoring
    plugin's own status under ``--nagios``."""
    if isinstance(err, PluginExit):
        return err.exit_status
    for cls, code in _ORDER:
        if isinstance(err, cls):
            return code
    return EXPECTATION
