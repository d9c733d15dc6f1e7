"""Tell the engine when this host's addresses or routes change.

A NETLINK_ROUTE socket subscribed to link, address and route changes wakes the
asyncio loop; a burst of messages (an interface going down sends many) becomes
one callback after ``settle_s``. Where netlink is unavailable, the callback runs
every ``poll_s`` instead and the engine compares routes itself.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
from collections.abc import Callable

log = logging.getLogger("tuiphone.net")

# rtnetlink multicast groups (linux/rtnetlink.h)
RTMGRP_LINK = 0x1
RTMGRP_IPV4_IFADDR = 0x10
RTMGRP_IPV4_ROUTE = 0x40
RTMGRP_IPV6_IFADDR = 0x100
RTMGRP_IPV6_ROUTE = 0x400
GROUPS = RTMGRP_LINK | RTMGRP_IPV4_IFADDR | RTMGRP_IPV4_ROUTE | RTMGRP_IPV6_IFADDR \
    | RTMGRP_IPV6_ROUTE


class NetworkWatch:
    """Calls ``on_change()`` on the loop after addresses or routes changed.

    ``start()`` and ``close()`` run on the loop. ``on_change`` must not raise.
    """

    def __init__(self, on_change: Callable[[], None], settle_s: float = 0.3,
                 poll_s: float = 5.0) -> None:
        self._on_change = on_change
        self._settle_s = settle_s
        self._poll_s = poll_s
        self._sock: socket.socket | None = None
        self._pending: asyncio.TimerHandle | None = None
        self._poller: asyncio.TimerHandle | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    @property
    def event_driven(self) -> bool:
        """True when netlink tells us about changes (False: polling)."""
        return self._sock is not None

    def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        try:
            sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, socket.NETLINK_ROUTE)
            sock.bind((0, GROUPS))
            sock.setblocking(False)
        except (OSError, AttributeError) as err:
            log.info("no netlink (%s): checking routes every %g s", err, self._poll_s)
            self._schedule_poll()
            return
        self._sock = sock
        self._loop.add_reader(sock.fileno(), self._readable)

    def close(self) -> None:
        for handle in (self._pending, self._poller):
            if handle is not None:
                handle.cancel()
        self._pending = self._poller = None
        if self._sock is not None and self._loop is not None:
            with contextlib.suppress(Exception):
                self._loop.remove_reader(self._sock.fileno())
            self._sock.close()
            self._sock = None

    def _readable(self) -> None:
        assert self._sock is not None
        assert self._loop is not None
        while True:  # drain: one callback per burst
            try:
                if not self._sock.recv(65536):
                    break
            except (BlockingIOError, InterruptedError):
                break
            except OSError:  # ENOBUFS: we missed some, which still means "changed"
                break
        if self._pending is None:
            self._pending = self._loop.call_later(self._settle_s, self._fire)

    def _fire(self) -> None:
        self._pending = None
        try:
            self._on_change()
        except Exception:  # a bug in the callback must not stop the watch
            log.exception("network change handler failed")

    def _schedule_poll(self) -> None:
        assert self._loop is not None

        def tick() -> None:
            self._fire()
            self._schedule_poll()

        self._poller = self._loop.call_later(self._poll_s, tick)
