"""Lamps of the FakeBackend's world: local accounts' lamps follow their calls and
their published presence; the remote user ``nobody`` fails (404); others stay idle."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from tuiphone.model.backend import PRESENCE_STATES
from tuiphone.model.call import CallInfo, CallState, Direction
from tuiphone.model.errors import LimitExceeded, UsageError
from tuiphone.model.events import Event, LampChanged
from tuiphone.model.lamp import Lamp, LampDirection, LampState

MAX_LAMPS = 240  # as tuiphone.sip.blf.watcher.MAX_BLF: pjsua's 256 buddies less the pager's 16
_PRESENCE = {
    "available": LampState.IDLE,
    "away": LampState.AWAY,
    "dnd": LampState.DND,
    "busy": LampState.BUSY,
    "on-the-phone": LampState.BUSY,
    "offline": LampState.OFFLINE,
}


def call_lamp(uri: str, legs: Iterable[CallInfo]) -> Lamp:
    """The dialog lamp of a local account from its live legs (the busiest wins)."""
    best = Lamp(uri, LampState.IDLE)
    for call in legs:
        if call.state is CallState.ENDED:
            continue
        if call.state is CallState.CONNECTED:
            state = LampState.HOLD if call.on_hold else LampState.BUSY
        else:
            state = LampState.RINGING
        out = call.direction is Direction.OUTGOING
        direction = LampDirection.INITIATOR if out else LampDirection.RECIPIENT
        lamp = Lamp(uri, state, direction, call.remote_uri)
        if best.state in (LampState.IDLE, LampState.RINGING):
            best = lamp
    return best


class FakeLamps:
    """``local(uri)`` names the local account behind a URI (None if remote);
    ``legs(account_id)`` gives that account's calls; ``send`` emits an event."""

    def __init__(
        self,
        local: Callable[[str], str | None],
        legs: Callable[[str], list[CallInfo]],
        send: Callable[[Event], None],
    ) -> None:
        self._local, self._legs, self._send = local, legs, send
        self.watched: dict[str, set[str]] = {}  # watching account -> URIs
        self.presence: dict[str, tuple[str, str]] = {}  # account -> (state, note)
        self.published: list[tuple[str, str, str]] = []  # (account, state, note), in order
        self._last: dict[str, Lamp] = {}

    def subscribe(self, account_id: str, uris: Sequence[str]) -> None:
        for uri in uris:
            if sum(map(len, self.watched.values())) >= MAX_LAMPS:
                raise LimitExceeded(f"at most {MAX_LAMPS} lamps")
            self.watched.setdefault(account_id, set()).add(uri)
            self._last.pop(uri, None)
            self._send(LampChanged(Lamp(uri, LampState.UNKNOWN)))
            self._refresh(uri)

    def unsubscribe(self, account_id: str, uris: Sequence[str]) -> None:
        for uri in uris:
            self.watched.get(account_id, set()).discard(uri)

    def set_presence(self, account_id: str, state: str, note: str) -> None:
        if state not in PRESENCE_STATES:
            raise UsageError(f"unknown presence {state!r} (one of: {', '.join(PRESENCE_STATES)})")
        self.presence[account_id] = (state, note)
        self.published.append((account_id, state, note))
        self.refresh_all()

    def refresh_all(self) -> None:
        for uri in {u for uris in self.watched.values() for u in uris}:
            self._refresh(uri)

    def _refresh(self, uri: str) -> None:
        lamp = self._lamp(uri)
        if self._last.get(uri) != lamp:
            self._last[uri] = lamp
            self._send(LampChanged(lamp))

    def _lamp(self, uri: str) -> Lamp:
        account_id = self._local(uri)
        if account_id is None:
            user = uri.split(":", 1)[-1].split("@", 1)[0]
            if user == "nobody":
                return Lamp(uri, LampState.FAILED, code=404, reason="Not Found")
            return Lamp(uri, LampState.IDLE)
        lamp = call_lamp(uri, self._legs(account_id))
        state, note = self.presence.get(account_id, ("available", ""))
        if lamp.state is LampState.IDLE and state != "available":
            return Lamp(uri, _PRESENCE[state], reason=note)
        return lamp
