"""RemotePhone: the PhoneApi of an engine in another process, over the control socket.

Front ends cannot tell it from an in-process ``Phone``: every method sends one request
and rebuilds the typed result or the exact ``tuiphone.model.errors`` exception.
``state()`` is synchronous, so a background subscription keeps a local mirror.

The request methods are not written out: one per coroutine of ``PhoneApi`` is made
from the method table (``control.methods``) when this module loads. RemotePhone
subclasses the Protocol, so mypy types those methods from the one declaration and
checks the members written here against it.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import itertools
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

from tuiphone.control import wire
from tuiphone.control.errors import EngineGone
from tuiphone.control.methods import METHODS, Method
from tuiphone.control.mirror import Mirror
from tuiphone.control.paths import socket_path
from tuiphone.control.subscription import Subscription, open_unix
from tuiphone.engine.api import PhoneApi, PhoneState
from tuiphone.model.errors import UsageError
from tuiphone.model.events import Event


class RemotePhone(PhoneApi):
    def __init__(self, path: Path | None = None) -> None:
        self.path = path or socket_path()
        self._ids = itertools.count(1)
        self._pending: dict[int, asyncio.Future[Any]] = {}
        self._writer: asyncio.StreamWriter | None = None
        self._reader_task: asyncio.Task[None] | None = None
        self._mirror: Mirror | None = None

    @classmethod
    async def connect(cls, path: Path | None = None) -> RemotePhone:
        """Attach to a running engine. Raises EngineNotRunning."""
        phone = cls(path)
        reader, phone._writer = await open_unix(phone.path)
        phone._reader_task = asyncio.ensure_future(phone._read_replies(reader))
        phone._mirror = await Mirror.open(Subscription(phone.path))
        return phone

    async def close(self) -> None:
        if self._mirror is not None:
            await self._mirror.close()
        if self._writer is not None:
            self._writer.close()
            with contextlib.suppress(Exception):
                await self._writer.wait_closed()
        if self._reader_task is not None:
            self._reader_task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._reader_task

    async def _read_replies(self, reader: asyncio.StreamReader) -> None:
        try:
            while line := await reader.readline():
                reply = wire.decode(line)
                fut = self._pending.pop(reply.get("id", -1), None)
                if fut is not None and not fut.done():
                    fut.set_result(reply)
        except (OSError, ValueError, UsageError):
            pass  # a reset or garbage: every pending request fails below
        finally:
            for fut in self._pending.values():
                if not fut.done():
                    fut.set_exception(EngineGone("the engine closed the connection"))
            self._pending.clear()

    async def request(self, cmd: str, **args: Any) -> Any:
        """Send one request (``args`` as JSON data) and return its decoded result.
        Raises what the engine raised."""
        reading = self._reader_task is not None and not self._reader_task.done()
        if self._writer is None or self._writer.is_closing() or not reading:
            raise EngineGone("not connected to an engine")
        rid = next(self._ids)
        fut: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._pending[rid] = fut
        try:
            self._writer.write(wire.encode({"id": rid, "cmd": cmd, "args": args}))
            await self._writer.drain()
        except OSError as err:
            self._pending.pop(rid, None)
            raise EngineGone(f"lost the engine: {err}") from err
        reply = await fut
        if not reply.get("ok"):
            raise wire.error_from_body(reply.get("error") or {})
        method = METHODS.get(cmd)
        return None if method is None else method.decode_result(reply.get("result"))

    # PhoneApi: state and events here, every request method from the table below

    @property
    def remote(self) -> bool:
        """True: the engine runs in another process; ``close`` detaches from it."""
        return True

    def state(self) -> PhoneState:
        assert self._mirror is not None, "call RemotePhone.connect() first"
        return self._mirror.state()

    async def wait_state(self, predicate: Callable[[PhoneState], bool], timeout_s: float) -> None:
        """Wait until the mirrored state satisfies ``predicate``. Raises Timeout."""
        assert self._mirror is not None, "call RemotePhone.connect() first"
        await self._mirror.wait_for(predicate, timeout_s)

    def events(self) -> AsyncIterator[Event]:
        return Subscription(self.path)


def _remote(method: Method) -> Callable[..., Awaitable[Any]]:
    """``RemotePhone.<name>``: one request, the typed result."""
    declared = getattr(PhoneApi, method.name)

    @functools.wraps(declared)
    async def call(self: RemotePhone, *args: Any, **kwargs: Any) -> Any:
        return await self.request(method.name, **method.encode_args(*args, **kwargs))

    call.__qualname__ = f"RemotePhone.{method.name}"
    return call


def _install_request_methods() -> None:
    for method in METHODS.values():
        if method.is_async:
            setattr(RemotePhone, method.name, _remote(method))


_install_request_methods()
