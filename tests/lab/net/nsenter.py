"""Run Python code inside a network namespace, from a test process that stays in root.

A network namespace is a per-thread attribute on Linux: ``setns(CLONE_NEWNET)`` in
a fresh thread moves only that thread. Sockets keep the namespace they were created
in, so a socket made there can be used from any thread afterwards; threads started
from inside inherit the namespace too (so an engine started from ``call`` would live
there). The helper thread ends after the call, nothing else is switched.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import socket
import threading
from collections.abc import Callable, Iterator
from typing import TypeVar

T = TypeVar("T")
CLONE_NEWNET = 0x40000000
NETNS_DIR = "/run/netns"
_libc = ctypes.CDLL(None, use_errno=True)


def enter(netns: str) -> None:
    """Move the *calling thread* into ``netns``. Raises OSError."""
    fd = os.open(f"{NETNS_DIR}/{netns}", os.O_RDONLY | os.O_CLOEXEC)
    try:
        if _libc.setns(fd, CLONE_NEWNET) != 0:
            err = ctypes.get_errno()
            raise OSError(err, f"setns({netns}): {os.strerror(err)}")
    finally:
        os.close(fd)


@contextlib.contextmanager
def entered(netns: str) -> Iterator[None]:
    """The calling thread inside ``netns`` for the ``with`` block, then back where it was.

    Everything the thread creates meanwhile (sockets, and threads, which inherit the
    namespace for good) belongs to ``netns``: the way to start an in-process engine
    whose SIP thread must live behind the lab's NAT.
    """
    home = os.open("/proc/thread-self/ns/net", os.O_RDONLY | os.O_CLOEXEC)
    try:
        enter(netns)
        try:
            yield
        finally:
            if _libc.setns(home, CLONE_NEWNET) != 0:
                err = ctypes.get_errno()
                raise OSError(err, f"setns back from {netns}: {os.strerror(err)}")
    finally:
        os.close(home)


def call_in(netns: str, fn: Callable[..., T], *args: object) -> T:
    """``fn(*args)`` in a fresh thread inside ``netns``; its result or its exception."""
    box: dict[str, object] = {}

    def run() -> None:
        try:
            enter(netns)
            box["value"] = fn(*args)
        except BaseException as err:  # handed back to the caller below
            box["error"] = err

    worker = threading.Thread(target=run, name=f"netns:{netns}", daemon=True)
    worker.start()
    worker.join()
    if "error" in box:
        raise box["error"]  # type: ignore[misc]
    return box["value"]  # type: ignore[return-value]


def socket_in(
    netns: str, family: int = socket.AF_INET, kind: int = socket.SOCK_DGRAM
) -> socket.socket:
    """A new socket that lives in ``netns`` (bind and connect it like any other)."""
    return call_in(netns, socket.socket, family, kind)
