"""Register again when a connection to the registrar drops (TCP reset, TLS closed).

pjsua re-registers after a lost connection only with its own retry on, which the engine
replaces (engine/registration.py); without this, an account on TCP stays "registered"
with no connection until its next refresh, unreachable for incoming calls. A plain
re-REGISTER is not enough either: its Contact still names the dead connection's port
(pjsua makes the Contact once, with the registration session), so the registrar would
send calls nowhere. The account un-registers that Contact and then registers afresh,
which builds a new session and Contact on the new connection.

pjsip does not say which connection closed, so an account does this when no
established TCP connection of ours has its Contact's port any more (Linux /proc; where
that cannot be read, every registered account on a stream transport does it), and at
most once per ``MIN_GAP_S`` (a peer resetting connections on purpose must not make us
flood the registrar). pjsip thread only.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import time
from collections.abc import Callable, Iterable
from typing import Any

import pjsua2 as pj

log = logging.getLogger("tuiphone.sip")
MIN_GAP_S = 10.0
_STREAMS = ("transport=tcp", "transport=tls")
_PORT = re.compile(r"@(?:\[[^\]]*\]|[^:;>]*):(\d+)")
_ESTABLISHED = "01"


def contact_port(contact: str) -> int | None:
    match = _PORT.search(contact)
    return int(match[1]) if match else None


def connected_ports(proc: str = "/proc") -> set[int] | None:
    """Local ports of this process's established TCP connections; None if unknown."""
    try:
        inodes = set()
        for fd in os.listdir(f"{proc}/self/fd"):
            with contextlib.suppress(OSError):
                link = os.readlink(f"{proc}/self/fd/{fd}")
                if link.startswith("socket:["):
                    inodes.add(link[8:-1])
        ports = set()
        for table in ("tcp", "tcp6"):
            with contextlib.suppress(FileNotFoundError), open(f"{proc}/net/{table}") as rows:
                for row in rows.read().splitlines()[1:]:
                    cols = row.split()
                    if len(cols) > 9 and cols[3] == _ESTABLISHED and cols[9] in inodes:
                        ports.add(int(cols[1].rsplit(":", 1)[1], 16))
        return ports
    except OSError:
        return None


class Relinker:
    """``accounts`` lists the PjAccounts; ``defer`` runs a job after the current
    callback (pjsip is inside the transport's teardown when it reports it)."""

    def __init__(self, accounts: Callable[[], Iterable[Any]],
                 defer: Callable[[Callable[[], None]], None],
                 clock: Callable[[], float] = time.monotonic,
                 ports: Callable[[], set[int] | None] = connected_ports) -> None:
        self._accounts = accounts
        self._ports = ports
        self._defer = defer
        self._clock = clock
        self._last: dict[str, float] = {}
        self._relinking: set[str] = set()

    def on_transport_state(self, prm: pj.OnTransportStateParam) -> None:
        if prm.state == pj.PJSIP_TP_STATE_DISCONNECTED and str(prm.type).upper().startswith(
                ("TCP", "TLS")):
            self._defer(self._relink)

    def _relink(self) -> None:
        now = self._clock()
        alive = self._ports()
        for acc in list(self._accounts()):
            if not self._wants(acc) or now - self._last.get(acc.config.id, -MIN_GAP_S) < MIN_GAP_S:
                continue
            if alive is not None and contact_port(acc.contact) in alive:
                continue  # its own connection is still up: another one closed
            self._last[acc.config.id] = now
            log.info("%s: a connection to the registrar closed; registering again",
                     acc.config.id)
            try:
                acc.setRegistration(False)
            except pj.Error as err:  # one pending already (PJSIP_EBUSY): it will do
                log.info("%s: not registered again now: %s", acc.config.id, err.reason)
            else:
                self._relinking.add(acc.config.id)

    def answered(self, acc: Any) -> bool:
        """Called with each final registration answer; True when it ended this
        account's un-REGISTER (nobody else needs to hear of it): the fresh REGISTER
        follows."""
        if acc.config.id not in self._relinking:
            return False
        self._relinking.discard(acc.config.id)

        def register() -> None:
            try:
                acc.setRegistration(True)
            except pj.Error as err:
                log.info("%s: registering again failed: %s", acc.config.id, err.reason)

        self._defer(register)
        return True

    @staticmethod
    def _wants(acc: Any) -> bool:
        if not acc.config.registers or acc.unregistering:
            return False
        if not any(s in acc.contact.lower() for s in _STREAMS):
            return False
        try:
            return bool(acc.getInfo().regIsActive)
        except pj.Error:
            return False
