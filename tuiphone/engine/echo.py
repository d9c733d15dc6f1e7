"""The built-in test line: answers, echoes audio and DTMF, replies to chat.

It is an ordinary direct-IP account named ``echo`` on the same SIP stack, so calling
it exercises the real call path; its own call legs are hidden from front ends.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
from collections.abc import Callable, Coroutine
from typing import Any

from tuiphone.model.account import AccountConfig, DtmfMethod
from tuiphone.model.backend import SipBackend
from tuiphone.model.call import CallState
from tuiphone.model.errors import TuiphoneError
from tuiphone.model.events import CallChanged, DtmfReceived, Event, IncomingCall, MessageReceived
from tuiphone.model.ids import random_id
from tuiphone.model.trust import TrustConfig

ECHO_ID = "echo"
log = logging.getLogger("tuiphone.engine.echo")


def echo_account(host: str) -> AccountConfig:
    """The echo line answers only this host: our own accounts call it from loopback or
    from ``host`` (the bind address when one is set), never a stranger."""
    local = ["127.0.0.0/8", "::1"]
    literal = host.strip("[]")
    if literal not in ("127.0.0.1", "::1") and _is_ip(literal):
        local.append(literal)
    trust = TrustConfig(accept_from=tuple(local))
    return AccountConfig(id=ECHO_ID, uri=f"sip:{ECHO_ID}@{host}", auto_answer=False,
                         internal=True, trust=trust)


def _is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


class EchoLine:
    """Reacts to the echo account's events. Loop-thread only."""

    def __init__(self, backend: SipBackend, route: Callable[[str], str]) -> None:
        self._backend = backend
        self._route = route  # sender URI -> where to reach it (own accounts' contacts)
        self._legs: set[str] = set()
        self._tasks: set[asyncio.Task[None]] = set()

    def on_event(self, event: Event) -> None:
        match event:
            case IncomingCall(call=call) if call.account_id == ECHO_ID:
                self._legs.add(call.id)
                self._spawn(self._backend.answer(call.id, 200))
            case CallChanged(call=call) if call.id in self._legs:
                if call.state is CallState.CONNECTED:
                    self._spawn(self._backend.loopback(call.id))
                elif call.state is CallState.ENDED:
                    self._legs.discard(call.id)
            case DtmfReceived(call_id=call_id, digit=digit) if call_id in self._legs:
                self._spawn(self._backend.send_dtmf(call_id, digit, DtmfMethod.RFC4733))
            case MessageReceived(message=msg) if msg.account_id == ECHO_ID:
                reply = f"echo: {msg.body}"
                self._spawn(
                    self._backend.send_message(
                        ECHO_ID, self._route(msg.peer), reply, "text/plain", random_id()
                    )
                )
            case _:
                pass

    def _spawn(self, coro: Coroutine[Any, Any, None]) -> None:
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._done)

    def _done(self, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and isinstance(task.exception(), TuiphoneError):
            log.warning("echo line: %s", task.exception())

    async def close(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
