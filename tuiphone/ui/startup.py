"""How the TUI gets its phone, kept apart from the widgets."""

from __future__ import annotations

import asyncio
import importlib
from collections.abc import Awaitable, Callable
from typing import Any

from tuiphone.config.schema import AppConfig
from tuiphone.engine.api import PhoneApi


async def attach_or_none() -> PhoneApi | None:
    """A RemotePhone if an engine already serves the control socket, else None."""
    from tuiphone.control import RemotePhone, socket_path

    path = socket_path()
    if not path.exists():
        return None
    try:
        return await RemotePhone.connect(path)
    except Exception:  # a stale socket (nobody listening): we run our own engine
        return None


class EngineFactory:
    """Attach to a running engine if there is one, else build ours and serve it on the
    control socket so later front ends attach to us. ``release`` undoes what was done:
    detach (the remote engine's calls stay up) or close the socket and stop our engine.

    The engine module (and pjsua2 with it) is imported in a thread so the first paint
    never waits for it.
    """

    def __init__(self, config: AppConfig, build: Callable[[AppConfig], Any] | None = None):
        self.config = config
        self.build = build
        self.phone: Any = None
        self.server: Any = None

    async def __call__(self) -> PhoneApi:
        remote = await attach_or_none()
        if remote is not None:
            self.phone = remote
            return remote
        if self.build is not None:
            self.phone = self.build(self.config)
        else:
            factory = await asyncio.to_thread(importlib.import_module, "tuiphone.host.build")
            backend = await asyncio.to_thread(factory.default_backend)
            self.phone = factory.build_phone(self.config, backend=backend, long_lived=True)
        await self.phone.start()
        await self._serve()
        return self.phone  # type: ignore[no-any-return]

    async def _serve(self) -> None:
        from tuiphone.commands.socket_run import socket_requests
        from tuiphone.control import ControlServer, socket_path
        from tuiphone.control.stale import claim_socket_path

        try:
            await claim_socket_path(socket_path())
            self.server = ControlServer(self.phone, socket_path(),
                                        extra=socket_requests(self.phone))
            await self.server.start()
        except Exception:  # no socket is a lost convenience, not a reason to fail
            self.server = None

    async def release(self) -> None:
        phone, self.phone = self.phone, None
        if phone is None:
            return
        if phone.remote:
            await phone.close()
            return
        if self.server is not None:
            await self.server.close()
        await phone.stop()


def phone_factory(config: AppConfig) -> Callable[[], Awaitable[PhoneApi]]:
    return EngineFactory(config)
