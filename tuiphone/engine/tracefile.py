"""The SIP trace log (features.sip_trace_log): one record per SIP message, appended."""

from __future__ import annotations

import contextlib
import os
import re
import stat
import time
from pathlib import Path

from tuiphone.model.trace import TraceEntry, mentions_peer


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


_START_LINE = re.compile(rb"[^\n]*\n(?:SIP/2\.0 \d{3}|[A-Za-z]+ \S+ SIP/2\.0\r?\n)")


def _starts(data: bytes) -> list[int]:
    """Where each record begins: a head at the file's start or after a blank line, with
    a SIP start line after it (a chat text may hold blank lines and a line like a head;
    to pass for a record it would also need the start line of a SIP message)."""
    return [m.start() for m in _HEAD.finditer(data)
            if (not m.start() or data[m.start() - 2:m.start()] == b"\n\n")
            and _START_LINE.match(data, m.start())]


def drop_peer(path: Path, key: str) -> int:
    """Rewrite ``path`` without the records of SIP messages whose From, To or
    Request-URI is the peer ``key`` (``data erase --peer``); returns how many went. The
    new file replaces the old whole, as in ``drop_older``. Raises OSError."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return 0
    starts = _starts(data)
    keep, dropped = [data[:starts[0]] if starts else data], 0
    for begin, end in zip(starts, [*starts[1:], len(data)], strict=True):
        record = data[begin:end]
        text = record.split(b"\n", 1)[1] if b"\n" in record else b""
        if mentions_peer(text.decode("utf-8", "replace"), key):
            dropped += 1
        else:
            keep.append(record)
    if dropped:
        _replace(path, b"".join(keep))
    return dropped


def _replace(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o600)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


def drop_older(path: Path, before: float) -> int:
    """Rewrite ``path`` without the records stamped before ``before`` (a Unix time;
    records are in time order, so the cut is one offset); returns the bytes dropped.
    The new file replaces the old whole (temp file, rename, mode 0600). Raises OSError."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return 0
    cut = len(data)
    for at in _starts(data):
        match = _HEAD.match(data, at)
        assert match is not None
        stamp = time.mktime(time.strptime(match.group(1).decode(), "%Y-%m-%d %H:%M:%S"))
        if stamp >= before:
            cut = at
            break
    if cut == 0:
        return 0
    _replace(path, data[cut:])
    return cut
