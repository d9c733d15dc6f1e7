"""Exclusive flock(2) locks on files in the runtime directory, awaited with a time limit.

flock suits a "one engine per user" rule: the kernel drops the lock when its process
dies, so a crashed engine leaves nothing to clean up, and two open files of one path
exclude each other even inside one process. The file keeps a line naming its holder,
for error messages.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import os
import threading
from pathlib import Path


def try_lock(path: Path) -> int | None:
    """The open descriptor holding ``path`` locked, or None if someone else holds it.
    Closing the descriptor (``unlock``) releases the lock. Raises OSError."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        return None
    except BaseException:
        os.close(fd)
        raise
    return fd


def unlock(fd: int) -> None:
    os.close(fd)


def note_holder(fd: int, text: str) -> None:
    """Say in the lock file who holds it (read by ``holder``)."""
    os.ftruncate(fd, 0)
    os.pwrite(fd, f"{text}\n".encode(), 0)


def holder(path: Path) -> str:
    """What the lock's holder wrote, '' if nothing (flock is advisory: reading is free)."""
    try:
        return path.read_text(encoding="utf-8", errors="replace").strip()
    except OSError:
        return ""


async def wait_lock(path: Path, timeout_s: float) -> int | None:
    """Lock ``path`` as ``try_lock`` does, waiting up to ``timeout_s`` for its holder to
    let go; None on timeout. The wait is a blocking flock in a daemon thread, so it
    ends the moment the holder unlocks or dies, and never keeps the process alive."""
    fd = try_lock(path)
    if fd is not None:
        return fd
    waiter = _Waiter(path, asyncio.get_running_loop())
    waiter.start()
    try:
        return await asyncio.wait_for(asyncio.shield(waiter.done), max(0.0, timeout_s))
    except TimeoutError:
        return waiter.abandon()
    except BaseException:
        got = waiter.abandon()
        if got is not None:
            unlock(got)
        raise


class _Waiter(threading.Thread):
    """Blocks in flock; hands the descriptor to the loop, or closes it if nobody waits."""

    def __init__(self, path: Path, loop: asyncio.AbstractEventLoop) -> None:
        super().__init__(name=f"flock {path}", daemon=True)
        self.path, self.loop = path, loop
        self.done: asyncio.Future[int] = loop.create_future()
        self._mutex = threading.Lock()
        self._fd: int | None = None
        self._abandoned = False

    def run(self) -> None:
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
            fcntl.flock(fd, fcntl.LOCK_EX)
        except OSError as err:
            with contextlib.suppress(RuntimeError):  # the loop may be gone
                self.loop.call_soon_threadsafe(_fail, self.done, err)
            return
        with self._mutex:
            if self._abandoned:
                unlock(fd)
                return
            self._fd = fd
        with contextlib.suppress(RuntimeError):
            self.loop.call_soon_threadsafe(_deliver, self.done, fd)

    def abandon(self) -> int | None:
        """Give up waiting; the descriptor if the lock was taken meanwhile."""
        with self._mutex:
            self._abandoned = self._fd is None
            return self._fd


def _deliver(done: asyncio.Future[int], fd: int) -> None:
    if not done.done():
        done.set_result(fd)


def _fail(done: asyncio.Future[int], err: BaseException) -> None:
    if not done.done():
        done.set_exception(err)
