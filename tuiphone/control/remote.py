"""RemotePhone: the PhoneApi of an engine in another process, over the control socket.

Front ends cannot tell it from an in-process ``Phone``: every method sends one request
and rebuilds the typed result or the exact ``tuiphone.model.errors`` exception.
``state()`` is synchronous, so a background subscription keeps a local mirror.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
from collections.abc import AsyncIterator, Callable, Mapping
from pathlib import Path
from typing import Any

from tuiphone.control import wire
from tuiphone.control.errors import EngineGone
from tuiphone.control.methods import RESULT_TYPES
from tuiphone.control.mirror import Mirror
from tuiphone.control.paths import socket_path
from tuiphone.control.subscription import Subscription, open_unix
from tuiphone.engine.api import PhoneState
from tuiphone.model.account import AccountState
from tuiphone.model.backend import PingResult
from tuiphone.model.call import CallInfo, CallStats, HistoryEntry
from tuiphone.model.codec import from_jsonable
from tuiphone.model.errors import UsageError
from tuiphone.model.events import Event
from tuiphone.model.lamp import Lamp
from tuiphone.model.message import Message
from tuiphone.model.trace import TraceEntry


class RemotePhone:
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
        """Send one request and return its decoded result. Raises what the engine raised."""
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
        kind = RESULT_TYPES.get(cmd)
        return None if kind is None else from_jsonable(kind, reply.get("result"))

    # PhoneApi

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

    async def register(
        self, account_id: str | None = None, timeout_s: float | None = None
    ) -> AccountState:
        result: AccountState = await self.request(
            "register", account_id=account_id, timeout_s=timeout_s
        )
        return result

    async def unregister(self, account_id: str | None = None) -> AccountState:
        result: AccountState = await self.request("unregister", account_id=account_id)
        return result

    async def call(
        self, uri: str, account_id: str | None = None, headers: Mapping[str, str] | None = None
    ) -> CallInfo:
        hdrs = dict(headers) if headers else None
        result: CallInfo = await self.request(
            "call", uri=uri, account_id=account_id, headers=hdrs
        )
        return result

    async def answer(self, call_id: str | None = None) -> CallInfo:
        result: CallInfo = await self.request("answer", call_id=call_id)
        return result

    async def reject(self, call_id: str | None = None, code: int = 486) -> None:
        await self.request("reject", call_id=call_id, code=code)

    async def hangup(self, call_id: str | None = None) -> None:
        await self.request("hangup", call_id=call_id)

    async def hangup_all(self) -> int:
        result: int = await self.request("hangup_all")
        return result

    async def redirect(self, call_id: str | None, target: str) -> None:
        await self.request("redirect", call_id=call_id, target=target)

    async def hold(self, call_id: str | None = None) -> None:
        await self.request("hold", call_id=call_id)

    async def resume(self, call_id: str | None = None) -> None:
        await self.request("resume", call_id=call_id)

    async def mute(self, call_id: str | None = None, muted: bool = True) -> None:
        await self.request("mute", call_id=call_id, muted=muted)

    async def dtmf(self, digits: str, call_id: str | None = None) -> None:
        await self.request("dtmf", digits=digits, call_id=call_id)

    async def transfer(self, target: str, call_id: str | None = None) -> None:
        await self.request("transfer", target=target, call_id=call_id)

    async def transfer_attended(self, call_id: str, target_call_id: str) -> None:
        await self.request("transfer_attended", call_id=call_id, target_call_id=target_call_id)

    async def conference(self, call_ids: tuple[str, ...]) -> None:
        await self.request("conference", call_ids=list(call_ids))

    async def play(self, call_id: str, path: str) -> None:
        await self.request("play", call_id=call_id, path=path)

    async def record(self, call_id: str, path: str) -> None:
        await self.request("record", call_id=call_id, path=path)

    async def call_stats(self, call_id: str) -> CallStats:
        result: CallStats = await self.request("call_stats", call_id=call_id)
        return result

    async def send_message(
        self, uri: str, body: str, account_id: str | None = None, content_type: str = "text/plain"
    ) -> Message:
        result: Message = await self.request(
            "send_message", uri=uri, body=body, account_id=account_id, content_type=content_type
        )
        return result

    async def messages(self, peer: str | None = None, limit: int = 100) -> list[Message]:
        result: list[Message] = await self.request("messages", peer=peer, limit=limit)
        return result

    async def history(self, limit: int = 50) -> list[HistoryEntry]:
        result: list[HistoryEntry] = await self.request("history", limit=limit)
        return result

    async def ping(
        self, uri: str, account_id: str | None = None, timeout_s: float = 5.0
    ) -> PingResult:
        result: PingResult = await self.request(
            "ping", uri=uri, account_id=account_id, timeout_s=timeout_s
        )
        return result

    async def trace(self, limit: int = 1000) -> list[TraceEntry]:
        result: list[TraceEntry] = await self.request("trace", limit=limit)
        return result

    async def lookup_contact(self, uri: str) -> dict[str, Any] | None:
        result: dict[str, Any] | None = await self.request("lookup_contact", uri=uri)
        return result

    async def search_contacts(self, text: str, limit: int = 20) -> list[dict[str, Any]]:
        result: list[dict[str, Any]] = await self.request(
            "search_contacts", text=text, limit=limit
        )
        return result

    async def contact(self, contact_id: str) -> dict[str, Any]:
        result: dict[str, Any] = await self.request("contact", contact_id=contact_id)
        return result

    async def contact_photo(self, contact_id: str) -> dict[str, str] | None:
        result: dict[str, str] | None = await self.request(
            "contact_photo", contact_id=contact_id
        )
        return result

    async def contact_books(self) -> list[dict[str, Any]]:
        result: list[dict[str, Any]] = await self.request("contact_books")
        return result

    async def save_contact(self, contact_id: str, fields: dict[str, Any]) -> dict[str, Any]:
        result: dict[str, Any] = await self.request(
            "save_contact", contact_id=contact_id, fields=fields
        )
        return result

    async def create_contact(
        self, fields: dict[str, Any], book: str | None = None
    ) -> dict[str, Any]:
        result: dict[str, Any] = await self.request("create_contact", fields=fields, book=book)
        return result

    async def delete_contact(self, contact_id: str) -> None:
        await self.request("delete_contact", contact_id=contact_id)

    async def reload_contacts(self) -> int:
        result: int = await self.request("reload_contacts")
        return result

    async def sync_contacts(self) -> list[dict[str, Any]]:
        result: list[dict[str, Any]] = await self.request("sync_contacts")
        return result

    async def lamps(self) -> list[Lamp]:
        result: list[Lamp] = await self.request("lamps")
        return result

    async def set_presence(
        self, state: str, note: str = "", account_id: str | None = None
    ) -> None:
        await self.request("set_presence", state=state, note=note, account_id=account_id)

    async def pickup(self, target: str, account_id: str | None = None) -> CallInfo:
        result: CallInfo = await self.request("pickup", target=target, account_id=account_id)
        return result

    async def smart_contacts(self) -> dict[str, bool]:
        result: dict[str, bool] = await self.request("smart_contacts")
        return result
