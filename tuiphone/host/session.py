"""EngineHost: the engine one front end talks to, from the decision to the release.

Every front end uses it: the TUI and the shell (``Role.FRONT_END``), the daemon, scripts
and one-shot commands. An engine it owns is built from the config (``host.build``) and,
for a serving role, served on the control socket with the same requests everywhere
(the PhoneApi methods and the command table's ``run``).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import TYPE_CHECKING

from tuiphone.control.paths import socket_path
from tuiphone.host.claim import START_WAIT_S, Ownership, Role, claim

if TYPE_CHECKING:  # the rest is imported when used: one-shot commands start fast
    from tuiphone.config.schema import AppConfig
    from tuiphone.control import ControlServer, RemotePhone
    from tuiphone.engine.api import PhoneApi
    from tuiphone.engine.hooks import HookRunner
    from tuiphone.engine.phone import Phone
    from tuiphone.host.reprovision import Reprovisioner

Builder = Callable[["AppConfig"], "Phone"]


class EngineHost:
    """``open`` attaches or owns (see ``claim``); ``release`` detaches, leaving a remote
    engine and its calls up, or stops the engine it owns and lets the lock go.

    ``config`` is read only when this host owns the engine. ``build`` replaces the
    real wiring (tests). ``off_loop`` imports the engine modules and pjsua2 in a worker
    thread, so that a TUI paints meanwhile (about 5 ms slower than on the loop).
    """

    def __init__(self, role: Role, config: Callable[[], AppConfig], *,
                 build: Builder | None = None, path: Path | None = None,
                 wait_s: float = START_WAIT_S, off_loop: bool = False,
                 app: str | None = None) -> None:
        self.role, self.config, self.build = role, config, build
        self.app = app or _APPS[role]  # the usage counters' name for this front end
        self.off_loop = off_loop
        self.path = path or socket_path()
        self.wait_s = wait_s
        self.remote: RemotePhone | None = None
        self.local: Phone | None = None  # the engine this host owns
        self.server: ControlServer | None = None
        self._ownership: Ownership | None = None
        self.reprovisioner: Reprovisioner | None = None
        self.hooks: HookRunner | None = None

    async def open(self) -> PhoneApi:
        """Raises what ``claim`` raises, ConfigError, and what starting an engine raises."""
        got = await claim(self.role, self.path, self.wait_s)
        if not isinstance(got, Ownership):
            self.remote = got
            await _note_start(got, self.app)
            return got
        self._ownership = got
        try:
            phone = await self._start(got)
        except BaseException:
            await self._undo(got)
            raise
        await _note_start(phone, self.app)
        return phone

    async def __call__(self) -> PhoneApi:
        """``open``, under the name TuiphoneApp's phone factory has."""
        return await self.open()

    async def _start(self, owned: Ownership) -> Phone:
        config = self.config()
        phone = await self._build(config)
        await phone.start()
        self.local = phone
        if self.role.serves:
            from tuiphone.host.reprovision import Reprovisioner

            # the daemon and the TUI re-provision (at start, then every N hours)
            self.reprovisioner = Reprovisioner(phone, config)
            self.reprovisioner.start()
        if self.role.serves and config.hooks:
            from tuiphone.engine.hooks import HookRunner

            # the engine's owner runs [[hooks]]: once per event, however many attach
            self.hooks = HookRunner(phone, config.hooks, config.engine.hooks_at_once)
            self.hooks.start()
        if owned.listener is not None:
            from tuiphone.commands.socket_run import socket_requests
            from tuiphone.control import ControlServer

            self.server = ControlServer(phone, self.path, extra=socket_requests(phone),
                                        listener=owned.listener)
            await self.server.start()
        return phone

    async def _build(self, config: AppConfig) -> Phone:
        from tuiphone.host.applog import install

        install(config.log)  # the engine's process keeps the application log
        if self.build is not None:
            return self.build(config)
        if self.off_loop:
            await asyncio.to_thread(_import_engine)
        from tuiphone.host.build import build_phone, default_backend, settle

        # pjsua2, unless TUIPHONE_BACKEND=fake
        backend = await asyncio.to_thread(default_backend) if self.off_loop else default_backend()
        if self.role is Role.COMMAND:
            settle(backend)
        return build_phone(config, backend=backend, long_lived=self.role.serves)

    async def release(self) -> None:
        remote, self.remote = self.remote, None
        if remote is not None:
            await remote.close()
            return
        phone, self.local = self.local, None
        server, self.server = self.server, None
        owned, self._ownership = self._ownership, None
        reprovisioner, self.reprovisioner = self.reprovisioner, None
        hooks, self.hooks = self.hooks, None
        if reprovisioner is not None:
            await reprovisioner.stop()
        if hooks is not None:
            await hooks.stop()  # before the unregistering: not a registration_lost
        if owned is None:
            return
        try:
            await owned.stopping()
            if server is not None:
                await server.close()
            if phone is not None:
                await phone.stop()
        finally:
            owned.drop()  # last: the accounts are unregistered by now

    async def _undo(self, owned: Ownership) -> None:
        """After a failed start: stop what did start, free the socket path and the locks."""
        phone, self.local, self.server, self._ownership = self.local, None, None, None
        hooks, self.hooks = self.hooks, None
        if hooks is not None:
            await hooks.stop()
        try:
            if phone is not None:
                await phone.stop()
        finally:
            if owned.listener is not None:
                owned.listener.close()
                with contextlib.suppress(FileNotFoundError):
                    self.path.unlink()
            owned.drop()


_APPS = {Role.COMMAND: "cli", Role.RUNNING: "cli", Role.FRONT_END: "tui",
         Role.DAEMON: "daemon"}


async def _note_start(phone: PhoneApi, app: str) -> None:
    """One app start for the usage counters (counted only where they are on). An engine
    that cannot take the note (an older one) must not keep the front end from working."""
    from tuiphone.model.errors import TuiphoneError

    with contextlib.suppress(TuiphoneError):
        await phone.note_usage(f"start.{app}")


@contextlib.asynccontextmanager
async def hosted(role: Role, config: Callable[[], AppConfig], *,
                 build: Builder | None = None, app: str | None = None
                 ) -> AsyncIterator[PhoneApi]:
    """``EngineHost`` as a context: the phone for the block, released after it."""
    host = EngineHost(role, config, build=build, app=app)
    phone = await host.open()
    try:
        yield phone
    finally:
        await host.release()


def _import_engine() -> None:
    import tuiphone.host.build  # noqa: F401 - the engine modules, ~100 ms off the loop
