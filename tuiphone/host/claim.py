"""One decision, taken under a lock: attach to the engine, or own one.

Two engines of one user must never register the same accounts at once: with a
registrar that keeps one contact per AOR the second replaces the first's binding, and
when it exits it unregisters, so the first stops receiving calls until its next
refresh. So an engine's owner holds ``engine.lock`` in the runtime directory for the
engine's whole life, and decisions are taken holding ``start.lock`` (the gate), which
an owner keeps while its engine has no control socket: while a serving engine binds
its socket, while it stops, and for the whole life of a private one (a one-shot
command's). Whoever holds the gate therefore finds one of:

* the socket answers: an engine runs, or starts and will serve the connection once it
  can (the listen queue keeps it): attach;
* no socket and ``engine.lock`` is free: no engine runs: own one.

Waiting is waiting for the gate, bounded by one deadline; a timeout names the holder.
``engine.lock`` is never waited for: it is held only by owners, and a held one with no
socket and a free gate means the socket was removed under a running engine.
"""

from __future__ import annotations

import asyncio
import enum
import os
import socket
import time
from pathlib import Path
from typing import TYPE_CHECKING

from tuiphone.control.errors import EngineNotRunning
from tuiphone.control.paths import prepare_socket_dir
from tuiphone.control.stale import is_live
from tuiphone.host.lock import holder, note_holder, try_lock, unlock, wait_lock
from tuiphone.model.errors import ConfigError, TuiphoneError, UsageError

if TYPE_CHECKING:
    from tuiphone.control.remote import RemotePhone

START_WAIT_S = 30.0  # for an engine to start or stop, or a private one to finish
ENGINE_LOCK = "engine.lock"
START_LOCK = "start.lock"


class Role(enum.Enum):
    """Who asks, which decides what it may do when no engine answers."""

    COMMAND = "command"  # one-shot or script: attach, else a private engine, no socket
    RUNNING = "running"  # needs a running engine: attach, else EngineNotRunning
    FRONT_END = "front end"  # TUI, shell: attach, else own an engine and serve it
    DAEMON = "daemon"  # own an engine and serve it; one already serving is an error

    @property
    def serves(self) -> bool:
        return self in (Role.FRONT_END, Role.DAEMON)


class EngineBusy(EngineNotRunning):
    """An engine holds the accounts but did not become reachable in time (exit 6)."""


class Ownership:
    """The locks of an engine this process owns. ``lock`` is None only when the runtime
    directory is unusable; ``gate`` is kept while the engine has no socket;
    ``listener`` is the bound control socket of a serving role (None if it could not
    be bound: a front end then works without one)."""

    __slots__ = ("gate", "listener", "lock", "path")  # a plain class: one-shots import it

    def __init__(self, path: Path, lock: int | None = None, gate: int | None = None) -> None:
        self.path, self.lock, self.gate = path, lock, gate
        self.listener: socket.socket | None = None

    async def stopping(self) -> None:
        """Take the gate back before the socket closes, so that nobody decides while
        the engine unregisters. Bounded: deciders hold it for milliseconds."""
        if self.gate is None and self.lock is not None:
            self.gate = await wait_lock(self.path.parent / START_LOCK, START_WAIT_S)

    def drop(self) -> None:
        """The engine has stopped: let the next owner in."""
        lock, gate, self.lock, self.gate = self.lock, self.gate, None, None
        if lock is not None:
            os.ftruncate(lock, 0)  # no stale holder line for the next reader
            unlock(lock)
        if gate is not None:
            unlock(gate)


async def claim(role: Role, path: Path, wait_s: float = START_WAIT_S
                ) -> RemotePhone | Ownership:
    """Attached (a RemotePhone), or owning. Raises EngineNotRunning (RUNNING, none runs),
    EngineBusy (nothing reachable within ``wait_s``), UsageError (DAEMON and an engine
    serves), ConfigError (DAEMON and the runtime directory is unsafe)."""
    deadline = time.monotonic() + wait_s
    try:
        prepare_socket_dir(path)
    except ConfigError:
        if role is Role.DAEMON:
            raise
        return await _unguarded(role, path)  # as before there were locks
    while True:
        if role is Role.DAEMON and await is_live(path):
            raise UsageError(f"an engine is already running (control socket {path})")
        if role is not Role.DAEMON:
            attached = await _attach(path, deadline)  # fails at once if nobody listens
            if attached is not None:
                return attached
            if time.monotonic() > deadline:  # it answers, then hangs up: not an engine
                raise EngineBusy(f"the listener at {path} accepts connections but serves "
                                 f"nothing; waited {wait_s:g} s")
        if role is Role.RUNNING and _private(path):
            raise EngineNotRunning("only a private engine is running")  # it will never serve
        gate = await wait_lock(path.parent / START_LOCK, deadline - time.monotonic())
        if gate is None:
            raise EngineBusy(f"another tuiphone engine ({_who(path)}) holds the accounts "
                             f"and has no control socket; waited {wait_s:g} s. Try again when "
                             "it ends, or run 'tuiphone daemon' so commands share one engine")
        owned = await _decide(role, path, gate)
        if owned is not None:
            return owned


async def _decide(role: Role, path: Path, gate: int) -> Ownership | None:
    """Under the gate: own (keeping the gate if the engine has no socket yet), or None
    when an engine now answers on the socket."""
    keep = False
    try:
        if await is_live(path):
            return None
        if role is Role.RUNNING:
            raise EngineNotRunning("no engine is running")
        lock = try_lock(path.parent / ENGINE_LOCK)
        if lock is None:
            raise EngineBusy(f"an engine ({_who(path)}) holds the accounts, but its control "
                             f"socket {path} is gone")
        owned = Ownership(path, lock, gate)
        try:
            await _own(role, owned)
        except BaseException:
            unlock(lock)
            raise
        keep = owned.gate is not None
        return owned
    finally:
        if not keep:
            unlock(gate)


async def _own(role: Role, owned: Ownership) -> None:
    """A serving role binds its socket before anyone else may decide, and then needs
    the gate no more. Raises what binding raises (DAEMON only)."""
    assert owned.lock is not None
    note_holder(owned.lock, f"pid {os.getpid()}, {role.value}")
    if not role.serves:
        return
    from tuiphone.control.listener import bind_listener

    try:
        owned.listener = await bind_listener(owned.path)
    except (OSError, TuiphoneError):
        if role is Role.DAEMON:
            raise
        return  # a front end works without its socket; the gate stays closed meanwhile
    owned.gate = None


async def _attach(path: Path, deadline: float) -> RemotePhone | None:
    """A RemotePhone, or None if the engine went away meanwhile. Raises EngineBusy."""
    if _no_socket(path):  # nobody listens: no need to load the client (one-shots)
        return None
    from tuiphone.control import EngineGone, RemotePhone

    try:
        remote = await asyncio.wait_for(RemotePhone.connect(path), deadline - time.monotonic())
    except (EngineNotRunning, EngineGone, OSError):
        return None
    except TimeoutError:
        raise EngineBusy(f"the engine at {path} ({_who(path)}) did not answer "
                         "in time") from None
    return remote


def _no_socket(path: Path) -> bool:
    """No control socket at ``path`` (a stat in the private runtime directory)."""
    return not path.exists()


async def _unguarded(role: Role, path: Path) -> RemotePhone | Ownership:
    """No usable runtime directory, so no lock: attach if a socket answers there, else own
    an engine without a socket (what one-shot commands and the TUI always did)."""
    attached = await _attach(path, time.monotonic() + START_WAIT_S)
    if attached is not None:
        return attached
    if role is Role.RUNNING:
        raise EngineNotRunning("no engine is running")
    return Ownership(path)


def _private(path: Path) -> bool:
    """Whether the engine lock's holder is a command's private engine (no socket ever).
    Owners clear the line when they let go, so an old one is never read."""
    return holder(path.parent / ENGINE_LOCK).endswith(Role.COMMAND.value)


def _who(path: Path) -> str:
    """The engine lock's holder, for the engine whose socket is ``path``."""
    return holder(path.parent / ENGINE_LOCK) or "holder unknown"
