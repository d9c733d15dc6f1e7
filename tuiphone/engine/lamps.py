"""The engine's lamps: QuickDial BLF/presence subscriptions and the echo line's lamp.

Privacy rule: a QuickDial entry is subscribed only when the default account turns the
matching feature on (``features.blf`` for ``blf`` entries, ``features.presence`` for
``presence`` ones); nothing is subscribed otherwise. Lamps are keyed by the entry's
``uri`` exactly as configured (what a QuickDial pane holds), the echo line by "echo".
Loop-thread only.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Coroutine, Sequence
from dataclasses import replace
from typing import Any

from tuiphone.engine.accounts import AccountBook
from tuiphone.engine.bus import EventBus
from tuiphone.model.account import AccountConfig, RegState
from tuiphone.model.backend import SipBackend
from tuiphone.model.call import CallInfo, CallState
from tuiphone.model.errors import TuiphoneError
from tuiphone.model.events import CallChanged, Event, LampChanged, Notice, RegistrationChanged
from tuiphone.model.lamp import Lamp, LampDirection, LampState
from tuiphone.model.quickdial import QuickDialEntry

Spawn = Callable[[Coroutine[Any, Any, None]], None]

ECHO_KEY = "echo"
log = logging.getLogger("tuiphone.engine.lamps")


def aor(uri: str) -> str:
    """'user@host' of a URI (no scheme, port or parameters); a bare word stays as it is."""
    rest = uri.strip().strip("<>").split(":", 1)[-1].split(";", 1)[0]
    user, sep, host = rest.partition("@")
    return f"{user}@{host.rsplit(':', 1)[0].lower()}" if sep else user


class LampBoard:
    """``spawn`` runs a coroutine in the background (its errors become notices)."""

    def __init__(self, backend: SipBackend, bus: EventBus, accounts: AccountBook,
                 quickdial: Sequence[QuickDialEntry], spawn: Spawn) -> None:
        self._backend = backend
        self._bus = bus
        self._accounts = accounts
        self._quickdial = tuple(quickdial)
        self._spawn = spawn
        self._lamps: dict[str, Lamp] = {}
        self._keys: dict[str, list[str]] = {}  # subscribed URI -> entry keys
        self._subs: dict[str, dict[tuple[bool, bool], list[str]]] = {}  # account -> kind -> URIs
        self._reg: dict[str, RegState] = {}
        self._echo_calls: dict[str, CallInfo] = {}

    def lamps(self) -> list[Lamp]:
        return list(self._lamps.values())

    def lamp(self, uri: str) -> Lamp | None:
        """The lamp of the entry with ``uri`` (None before its first NOTIFY)."""
        return self._lamps.get(uri) or next(
            (lamp for lamp in self._lamps.values() if aor(lamp.uri) == aor(uri)), None)

    def entry(self, key_or_uri: str) -> QuickDialEntry | None:
        """The QuickDial entry with this label (any case) or URI."""
        entries = self._quickdial
        wanted = key_or_uri.strip()
        for test in (
            lambda e: e.label.lower() == wanted.lower(),
            lambda e: e.uri == wanted,
            lambda e: aor(e.uri) == aor(wanted),
        ):
            found = next((e for e in entries if test(e)), None)
            if found is not None:
                return found
        return None

    async def start(self) -> None:
        """Subscribe the QuickDial entries the default account allows; light the echo lamp."""
        if self._accounts.echo_uri:
            self._set(Lamp(ECHO_KEY, LampState.IDLE))
        try:
            acc = self._accounts.account(None)
        except TuiphoneError:
            return
        kinds = self._plan(acc)
        if kinds:
            self._subs[acc.id] = kinds
            await self._subscribe(acc.id, kinds)

    def _plan(self, acc: AccountConfig) -> dict[tuple[bool, bool], list[str]]:
        kinds: dict[tuple[bool, bool], list[str]] = defaultdict(list)
        for entry in self._quickdial:
            blf, pres = entry.blf and acc.features.blf, entry.presence and acc.features.presence
            if not (blf or pres):
                continue  # privacy: the account did not turn the feature on
            try:
                target = self._accounts.resolve_target(entry.uri, acc).uri
            except TuiphoneError as err:
                self._set(Lamp(entry.uri, LampState.FAILED, reason=str(err)))
                continue
            if target == self._accounts.echo_uri:
                continue  # the echo line's lamp is synthetic
            if target not in self._keys:
                kinds[(blf, pres)].append(target)
            self._keys.setdefault(target, []).append(entry.uri)
            self._set(Lamp(entry.uri, LampState.UNKNOWN))
        return dict(kinds)

    async def _subscribe(self, account_id: str, kinds: dict[tuple[bool, bool], list[str]]) -> None:
        for (blf, pres), uris in kinds.items():
            try:
                await self._backend.subscribe_lamps(account_id, uris, blf=blf, presence=pres)
            except TuiphoneError as err:
                self._bus.publish(Notice("warning", f"lamps: {err}"))

    async def resubscribe(self, account_id: str) -> None:
        """Subscribe again from scratch (after the server lost our subscriptions)."""
        kinds = self._subs.get(account_id)
        if not kinds:
            return
        uris = [u for group in kinds.values() for u in group]
        try:
            await self._backend.unsubscribe_lamps(account_id, uris)
        except TuiphoneError as err:
            log.warning("unsubscribing lamps: %s", err)
        await self._subscribe(account_id, kinds)

    def on_backend(self, event: LampChanged) -> None:
        """A backend lamp: re-key it to the QuickDial entries that watch its URI."""
        keys = self._keys.get(event.lamp.uri) or [event.lamp.uri]
        for key in keys:
            self._set(replace(event.lamp, uri=key))

    def on_event(self, event: Event) -> None:
        match event:
            case CallChanged(call=call):
                self._echo_call(call)
            case RegistrationChanged(account=acc):
                before = self._reg.get(acc.id)
                if acc.reg_state is not RegState.REGISTERING:
                    self._reg[acc.id] = acc.reg_state
                if acc.reg_state is RegState.REGISTERED and before is RegState.FAILED:
                    self._spawn(self.resubscribe(acc.id))
            case _:
                pass

    def _echo_call(self, call: CallInfo) -> None:
        echo = self._accounts.echo_uri
        if not echo or call.account_id == ECHO_KEY or aor(call.remote_uri) != aor(echo):
            return
        if call.state is CallState.ENDED:
            self._echo_calls.pop(call.id, None)
        else:
            self._echo_calls[call.id] = call
        live = [c for c in self._echo_calls.values() if c.state is CallState.CONNECTED]
        if live:
            state = LampState.HOLD if live[0].on_hold else LampState.BUSY
            lamp = Lamp(ECHO_KEY, state, LampDirection.RECIPIENT, live[0].account_id)
        elif self._echo_calls:
            lamp = Lamp(ECHO_KEY, LampState.RINGING, LampDirection.RECIPIENT)
        else:
            lamp = Lamp(ECHO_KEY, LampState.IDLE)
        self._set(lamp)

    def _set(self, lamp: Lamp) -> None:
        if self._lamps.get(lamp.uri) == lamp:
            return
        self._lamps[lamp.uri] = lamp
        self._bus.publish(LampChanged(lamp))
