"""ControlServer: serves one engine's PhoneApi on a Unix socket to any number of clients.

Only processes of our own uid may talk to it: the directory is 0700, the socket 0600,
and each peer's uid is checked with SO_PEERCRED (a misconfigured directory must not be
enough to reach the phone). A ``subscribe`` request turns its connection into an event
stream that starts with ``{"event": "snapshot", "state": ...}``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
from collections.abc import Awaitable, Callable, Mapping
from pathlib import Path
from typing import Any

from tuiphone.control import wire
from tuiphone.control.listener import bind_listener
from tuiphone.control.methods import invoke
from tuiphone.control.paths import socket_path
from tuiphone.control.peer import peer_uid
from tuiphone.engine.api import PhoneApi
from tuiphone.engine.feed import EventFeed
from tuiphone.model.codec import event_to_jsonable, to_jsonable
from tuiphone.model.errors import UsageError

log = logging.getLogger("tuiphone.control.server")


# cmd name -> coroutine taking the request's args: how higher layers (the command
# table) add requests without this package importing them
ExtraHandler = Callable[[dict[str, Any]], Awaitable[object]]


class ControlServer:
    """``listener``: a socket already bound at ``path`` (``bind_listener``) whose queued
    clients this server answers once started; without one, ``start`` binds it."""

    def __init__(self, phone: PhoneApi, path: Path | None = None,
                 extra: Mapping[str, ExtraHandler] | None = None,
                 listener: socket.socket | None = None) -> None:
        self.phone = phone
        self.path = path or socket_path()
        self.extra = dict(extra or {})
        self.listener = listener
        self._server: asyncio.AbstractServer | None = None
        self._clients: set[asyncio.Task[None]] = set()

    async def start(self) -> None:
        """Serve. Raises UsageError if another engine already listens on the path,
        ConfigError if the directory is unsafe."""
        sock = self.listener or await bind_listener(self.path)
        self._server = await asyncio.start_unix_server(
            self._accept, sock=sock, limit=wire.MAX_LINE
        )

    async def close(self) -> None:
        """Stop listening, drop every client and remove the socket file."""
        if self._server is not None:
            self._server.close()
        elif self.listener is not None:  # never served: its queued clients see a reset
            self.listener.close()
        for task in list(self._clients):
            task.cancel()
        await asyncio.gather(*self._clients, return_exceptions=True)
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()

    def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.ensure_future(self._serve(reader, writer))
        self._clients.add(task)
        task.add_done_callback(self._clients.discard)

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            if peer_uid(writer.get_extra_info("socket")) != os.getuid():
                denied = {"code": "PermissionDenied", "message": "foreign uid"}
                writer.write(wire.encode({"id": None, "ok": False, "error": denied}))
                await writer.drain()
                return
            await _Connection(self.phone, reader, writer, self.extra).run()
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()
            with contextlib.suppress(Exception):
                await writer.wait_closed()


class _Connection:
    """One client: requests run concurrently, replies carry the request id."""

    def __init__(
        self,
        phone: PhoneApi,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        extra: Mapping[str, ExtraHandler],
    ) -> None:
        self.phone, self.reader, self.writer, self.extra = phone, reader, writer, extra
        self.tasks: set[asyncio.Task[None]] = set()
        self.lock = asyncio.Lock()

    async def run(self) -> None:
        try:
            while line := await self._readline():
                if not line.strip():
                    continue
                try:
                    request = wire.decode(line)
                except Exception as err:  # noqa: BLE001 - reported to the client
                    await self.send({"id": None, "ok": False, "error": wire.error_body(err)})
                    continue
                if request.get("cmd") == "subscribe":
                    await self.stream(request.get("id"))
                    return
                task = asyncio.ensure_future(self.handle(request))
                self.tasks.add(task)
                task.add_done_callback(self.tasks.discard)
            # End of input (a client may half-close after its last request): what it
            # asked for is still answered before the connection ends.
            await asyncio.gather(*self.tasks, return_exceptions=True)
        finally:
            for task in list(self.tasks):
                task.cancel()

    async def _readline(self) -> bytes:
        """The next request line; b"" at the end. A line past ``wire.MAX_LINE`` gets
        one error reply and ends the connection (its rest cannot be told from a
        request)."""
        try:
            return await self.reader.readline()
        except ValueError:  # asyncio's LimitOverrunError, as readline reports it
            too_long = UsageError(f"request line longer than {wire.MAX_LINE} bytes")
            await self.send({"id": None, "ok": False, "error": wire.error_body(too_long)})
            return b""

    async def handle(self, request: dict[str, Any]) -> None:
        rid = request.get("id")
        args = request.get("args") or {}
        try:
            if not isinstance(args, dict):
                raise UsageError("args must be a JSON object")
            cmd = str(request.get("cmd"))
            extra = self.extra.get(cmd)
            result = await (extra(args) if extra else invoke(self.phone, cmd, args))
            reply: dict[str, Any] = {"id": rid, "ok": True, "result": to_jsonable(result)}
        except asyncio.CancelledError:
            raise
        except Exception as err:  # noqa: BLE001 - every failure goes back to the client
            reply = {"id": rid, "ok": False, "error": wire.error_body(err)}
        with contextlib.suppress(ConnectionError):  # the client left before its answer
            await self.send(reply)

    async def stream(self, rid: object) -> None:
        """Snapshot, then every event, until the client hangs up or the engine stops."""
        hangup = asyncio.ensure_future(self.reader.read())  # EOF (or junk) ends the stream
        try:
            async with EventFeed(self.phone) as feed:
                state = to_jsonable(self.phone.state())
                await self.send({"id": rid, "event": "snapshot", "state": state})
                await self._forward(feed, hangup)
        finally:
            hangup.cancel()

    async def _forward(self, feed: EventFeed, hangup: asyncio.Future[bytes]) -> None:
        while True:
            nxt = asyncio.ensure_future(feed.next())
            both: set[asyncio.Future[Any]] = {nxt, hangup}
            await asyncio.wait(both, return_when=asyncio.FIRST_COMPLETED)
            if not nxt.done():
                nxt.cancel()
                return
            event = nxt.result()
            if event is None:
                return
            await self.send(event_to_jsonable(event))

    async def send(self, message: dict[str, Any]) -> None:
        async with self.lock:
            self.writer.write(wire.encode(message))
            await self.writer.drain()
