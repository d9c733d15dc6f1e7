"""The application log: ``$XDG_STATE_HOME/tuiphone/tuiphone.log`` at ``[log] level``.

Off by default (its lines name servers and peers). The file is created 0600 in a 0700
folder and rotated at 1 MB, keeping 3 old files. Every line is redacted first: each
password this process resolved, and Authorization/Proxy-Authorization values, become
``[redacted]``, so a secret never reaches the disk through a log line.
"""

from __future__ import annotations

import logging
from pathlib import Path

from tuiphone.config.paths import ensure_dir, state_dir
from tuiphone.config.redact import redact
from tuiphone.config.schema import LogConfig

LOG_NAME = "tuiphone.log"
MAX_BYTES = 1024 * 1024
BACKUPS = 3
_installed: logging.Handler | None = None


class _Redacting(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


def log_file() -> Path:
    return state_dir() / LOG_NAME


def install(config: LogConfig) -> Path | None:
    """Start writing the log (once per process); returns its path, None when off."""
    global _installed
    if config.level == "off" or _installed is not None:
        return None
    path = log_file()
    ensure_dir(path.parent, 0o700)
    from tuiphone.host.logfile import PrivateRotatingFile

    handler = PrivateRotatingFile(path, maxBytes=MAX_BYTES, backupCount=BACKUPS)
    handler.setFormatter(_Redacting("%(asctime)s %(process)d %(levelname)s %(name)s: "
                                    "%(message)s"))
    level = getattr(logging, config.level.upper())
    handler.setLevel(level)
    root = logging.getLogger()
    root.addHandler(handler)
    if root.level == logging.NOTSET or root.level > level:
        root.setLevel(level)
    _installed = handler
    return path


def uninstall() -> None:
    """Stop writing (tests, and a process that ends its engine)."""
    global _installed
    if _installed is not None:
        logging.getLogger().removeHandler(_installed)
        _installed.close()
        _installed = None
