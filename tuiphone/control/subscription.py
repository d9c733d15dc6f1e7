"""One ``subscribe`` connection: a snapshot, then decoded events."""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path
from typing import Any

from tuiphone.control import wire
from tuiphone.control.errors import EngineGone, EngineNotRunning
from tuiphone.engine.api import PhoneState
from tuiphone.model.codec import EVENT_TYPES, event_from_jsonable, from_jsonable
from tuiphone.model.events import Event


async def open_unix(path: Path) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    """Connect to the engine. Raises EngineNotRunning when nobody listens."""
    try:
        return await asyncio.open_unix_connection(str(path), limit=wire.MAX_LINE)
    except (FileNotFoundError, ConnectionRefusedError) as err:
        raise EngineNotRunning(f"no engine is running (no listener on {path})") from err
    except PermissionError as err:
        raise EngineNotRunning(f"cannot reach the engine at {path}: {err.strerror}") from err


class Subscription:
    """An async iterator of events; ``wait_ready`` returns once the engine has sent its
    snapshot, i.e. once no later event can be missed."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None
        self.snapshot: PhoneState | None = None

    async def wait_ready(self) -> PhoneState:
        if self.snapshot is None:
            self._reader, self._writer = await open_unix(self._path)
            self._writer.write(wire.encode({"id": 0, "cmd": "subscribe", "args": {}}))
            await self._writer.drain()
            first = await self._line()
            if first is None or first.get("event") != "snapshot":
                raise EngineGone(f"engine did not send a snapshot: {first}")
            self.snapshot = from_jsonable(PhoneState, first["state"])
        return self.snapshot

    async def _line(self) -> dict[str, Any] | None:
        assert self._reader is not None
        line = await self._reader.readline()
        return wire.decode(line) if line else None

    def __aiter__(self) -> Subscription:
        return self

    async def __anext__(self) -> Event:
        await self.wait_ready()
        while (data := await self._line()) is not None:
            if data.get("ok") is False:
                raise wire.error_from_body(data.get("error") or {})
            if data.get("event") in EVENT_TYPES:  # a newer engine may know more kinds
                return event_from_jsonable(data)
        raise StopAsyncIteration

    async def aclose(self) -> None:
        if self._writer is not None:
            self._writer.close()
            with contextlib.suppress(Exception):
                await self._writer.wait_closed()
