"""Saving received files: a safe name in one folder, never overwriting, mode 0600.

A name from the network is only a hint: its last path part, without control characters
(NUL included), leading dots or slashes, at most 120 characters; empty becomes "file".
A taken name gets "-1", "-2", ... before its extension. The file is written to a
temporary name and hard-linked into place (``link`` fails when the name is taken), so
two downloads never overwrite each other and a failed check leaves nothing behind.
"""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path
from typing import BinaryIO

MAX_NAME = 120
_UNSAFE = re.compile(r"[\x00-\x1f\x7f/\\]")


def safe_name(name: str, fallback: str = "file") -> str:
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    base = _UNSAFE.sub("_", base).strip().lstrip(".").strip()
    if len(base) > MAX_NAME:
        stem, dot, ext = base.rpartition(".")
        keep = ext[:16] if dot and stem else ""
        base = base[: MAX_NAME - len(keep) - 1] + "." + keep if keep else base[:MAX_NAME]
    return base or fallback


def _candidates(name: str) -> list[str]:
    stem, dot, ext = name.rpartition(".")
    if not dot or not stem:
        stem, ext = name, ""
    suffix = f".{ext}" if ext else ""
    return [name] + [f"{stem}-{n}{suffix}" for n in range(1, 1000)]


def save_new(folder: Path, name: str, write: Callable[[BinaryIO], object]) -> Path:
    """Write a new file in ``folder`` named after ``name`` with ``write(file)``; returns
    its path. When ``write`` raises, nothing is left and the error goes through."""
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    temp = folder / f".part-{secrets.token_hex(8)}"
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
    try:
        with os.fdopen(fd, "wb") as out:
            write(out)
            out.flush()
            os.fsync(out.fileno())
        return _link_free(temp, folder, safe_name(name))
    finally:
        with suppress(FileNotFoundError):
            temp.unlink()


def _link_free(temp: Path, folder: Path, name: str) -> Path:
    for candidate in _candidates(name):
        target = folder / candidate
        try:
            os.link(temp, target)
        except FileExistsError:
            continue
        return target
    raise FileExistsError(f"{folder}: every name like {name!r} is taken")

