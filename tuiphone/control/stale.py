"""Take over the socket path: replace a stale socket, refuse a live one."""

from __future__ import annotations

import asyncio
import contextlib
import os
import stat
from pathlib import Path

from tuiphone.model.errors import ConfigError, UsageError


async def is_live(path: Path) -> bool:
    """True if something accepts connections on ``path``."""
    try:
        _reader, writer = await asyncio.open_unix_connection(str(path))
    except (ConnectionRefusedError, FileNotFoundError):
        return False
    except OSError:
        return False
    writer.close()
    with contextlib.suppress(Exception):
        await writer.wait_closed()
    return True


async def claim_socket_path(path: Path) -> None:
    """Make ``path`` free for a new listener.

    Raises UsageError if an engine already listens there, ConfigError if the
    path is something other than a socket (we never delete a user's file).
    """
    try:
        mode = os.lstat(path).st_mode  # a local stat: nothing to gain from a thread
    except FileNotFoundError:
        return
    if not stat.S_ISSOCK(mode):
        raise ConfigError([f"{path}: exists and is not a socket; remove it"])
    if await is_live(path):
        raise UsageError(f"an engine is already running (control socket {path})")
    os.unlink(path)  # a crashed engine left it behind
