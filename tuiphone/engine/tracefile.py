"""The SIP trace log (features.sip_trace_log): one record per SIP message, appended."""

from __future__ import annotations

import contextlib
import os
import time
from pathlib import Path

from tuiphone.model.trace import TraceEntry


def append_record(path: Path, entry: TraceEntry) -> None:
    """Append ``entry`` whole or not at all: when the disk fills up halfway, the file is
    cut back to where it was, so it never ends in half a message. Raises OSError
    naming ``path``."""
    stamp = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(entry.timestamp))
    head = f"{stamp} {entry.direction.upper()} {entry.transport} {entry.peer}\n"
    data = memoryview((head + entry.text.rstrip() + "\n\n").encode("utf-8"))
    try:
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    except OSError as err:
        raise OSError(err.errno, err.strerror, str(path)) from err
    try:
        start = os.lseek(fd, 0, os.SEEK_END)
        while data:
            data = data[os.write(fd, data):]
    except OSError as err:
        with contextlib.suppress(OSError):  # not a regular file (/dev/full): nothing to cut
            os.ftruncate(fd, start)
        raise OSError(err.errno, err.strerror, str(path)) from err
    finally:
        os.close(fd)
