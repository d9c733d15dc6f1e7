"""The SIP trace log (features.sip_trace_log): one record per SIP message, appended."""

from __future__ import annotations

import contextlib
import os
import re
import stat
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
        info = os.fstat(fd)
        if stat.S_ISREG(info.st_mode) and info.st_mode & 0o077:  # made by someone else
            os.fchmod(fd, 0o600)  # SIP messages carry names, numbers and digests
        start = os.lseek(fd, 0, os.SEEK_END)
        while data:
            data = data[os.write(fd, data):]
    except OSError as err:
        with contextlib.suppress(OSError):  # not a regular file (/dev/full): nothing to cut
            os.ftruncate(fd, start)
        raise OSError(err.errno, err.strerror, str(path)) from err
    finally:
        os.close(fd)


_HEAD = re.compile(rb"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d) (?:RX|TX) ", re.MULTILINE)


def drop_older(path: Path, before: float) -> int:
    """Rewrite ``path`` without the records stamped before ``before`` (a Unix time;
    records are in time order, so the cut is one offset); returns the bytes dropped.
    The new file replaces the old whole (temp file, rename, mode 0600). Raises OSError."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return 0
    cut = len(data)
    for match in _HEAD.finditer(data):
        at = match.start()
        if at and data[at - 2:at] != b"\n\n":
            continue  # a line inside a SIP message that happens to look like a head
        stamp = time.mktime(time.strptime(match.group(1).decode(), "%Y-%m-%d %H:%M:%S"))
        if stamp >= before:
            cut = at
            break
    if cut == 0:
        return 0
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o600)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data[cut:])
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    return cut
