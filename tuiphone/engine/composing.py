"""Is-composing (RFC 3994) per account's ``features.typing``; off: nothing is sent and
indications that arrive are dropped.

Sending: the first keystroke in a thread sends "active"; further keystrokes send it
again only once REFRESH_S has passed (the refresh); IDLE_S without a keystroke sends
"idle"; sending the message ends it without a word (a message means idle to the peer).
Receiving: "active" holds for the refresh the sender gave (DEFAULT_REFRESH_S without
one), then turns into "idle" by itself; "idle" or a message from the peer ends it.
Loop-thread only.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any

from tuiphone.engine.iscomposing import DEFAULT_REFRESH_S, IDLE_S, REFRESH_S
from tuiphone.model.events import Event, TypingChanged
from tuiphone.model.message import peer_key

SendTyping = Callable[[str, str, bool], Coroutine[Any, Any, None]]


@dataclass(slots=True)
class _Out:
    uri: str
    sent_at: float
    idle: asyncio.TimerHandle | None = None


class Composing:
    def __init__(self, send: SendTyping, spawn: Callable[[Coroutine[Any, Any, None]], None],
                 publish: Callable[[Event], None], enabled: Callable[[str], bool],
                 idle_s: float = IDLE_S, refresh_s: float = REFRESH_S) -> None:
        self._send = send
        self._spawn = spawn
        self._publish = publish
        self._enabled = enabled
        self.idle_s = idle_s
        self.refresh_s = refresh_s
        self._out: dict[tuple[str, str], _Out] = {}
        self._in: dict[tuple[str, str], tuple[str, asyncio.TimerHandle]] = {}

    # our side

    def typed(self, account_id: str, uri: str) -> bool:
        """The user typed in the thread with ``uri``; returns whether "active" went out."""
        if not self._enabled(account_id):
            return False
        loop = asyncio.get_running_loop()
        key = (account_id, peer_key(uri))
        state = self._out.get(key)
        now = loop.time()
        went = state is None or now - state.sent_at >= self.refresh_s
        if state is None:
            state = self._out[key] = _Out(uri, now)
        if went:
            state.sent_at = now
            self._spawn(self._send(account_id, uri, True))
        if state.idle is not None:
            state.idle.cancel()
        state.idle = loop.call_later(self.idle_s, self._went_idle, key)
        return went

    def sent(self, account_id: str, uri: str) -> None:
        """A message went to ``uri``: the composing is over, with no idle indication."""
        state = self._out.pop((account_id, peer_key(uri)), None)
        if state is not None and state.idle is not None:
            state.idle.cancel()

    def _went_idle(self, key: tuple[str, str]) -> None:
        state = self._out.pop(key, None)
        if state is not None:
            self._spawn(self._send(key[0], state.uri, False))

    # their side

    def received(self, event: TypingChanged) -> TypingChanged | None:
        """The event to publish for an indication that arrived (None: switch off)."""
        if not self._enabled(event.account_id):
            return None
        key = (event.account_id, peer_key(event.peer))
        old = self._in.pop(key, None)
        if old is not None:
            old[1].cancel()
        if event.active:
            hold = event.refresh_s or DEFAULT_REFRESH_S
            handle = asyncio.get_running_loop().call_later(hold, self._expired, key)
            self._in[key] = (event.peer, handle)
        return event

    def message_from(self, account_id: str, peer: str) -> None:
        """A message from ``peer`` ends its typing (the UI clears it on the message)."""
        old = self._in.pop((account_id, peer_key(peer)), None)
        if old is not None:
            old[1].cancel()

    def _expired(self, key: tuple[str, str]) -> None:
        old = self._in.pop(key, None)
        if old is not None:
            self._publish(TypingChanged(key[0], old[0], False))

    def close(self) -> None:
        for state in self._out.values():
            if state.idle is not None:
                state.idle.cancel()
        for _peer, handle in self._in.values():
            handle.cancel()
        self._out.clear()
        self._in.clear()
