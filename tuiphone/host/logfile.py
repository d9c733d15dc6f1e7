"""The application log's file: rotated, and private from its first line.

Its own module because ``logging.handlers`` (with pickle and socket) is loaded only
when the log is on (``host.applog.install``), not by every one-shot command.
"""

from __future__ import annotations

import logging.handlers
import os


class PrivateRotatingFile(logging.handlers.RotatingFileHandler):
    """Each new file (the first and every rotation) is made 0600 before its first line."""

    def _open(self):  # type: ignore[no-untyped-def]
        fd = os.open(self.baseFilename, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC,
                     0o600)
        os.fchmod(fd, 0o600)
        return os.fdopen(fd, "a", encoding="utf-8", errors="replace")
