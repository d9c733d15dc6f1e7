"""Our own presence: what the user chose, and "on the phone" while a call is connected.

Only for accounts whose ``features.presence`` is on (privacy); others raise UsageError.
A chosen "dnd" or "offline" is never overridden by "on the phone". Loop-thread only.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from tuiphone.engine.accounts import AccountBook
from tuiphone.engine.state import LiveState
from tuiphone.model.account import RegState
from tuiphone.model.backend import PRESENCE_STATES, SipBackend
from tuiphone.model.call import CallState
from tuiphone.model.errors import UsageError
from tuiphone.model.events import CallChanged, Event, RegistrationChanged

Spawn = Callable[[Coroutine[Any, Any, None]], None]

ON_THE_PHONE = ("busy", "On the phone")
_KEEP = ("dnd", "offline")  # chosen states a call does not override


class PresenceKeeper:
    """``spawn`` runs a publication in the background (its errors become notices)."""

    def __init__(self, backend: SipBackend, live: LiveState, accounts: AccountBook,
                 spawn: Spawn) -> None:
        self._backend = backend
        self._live = live
        self._accounts = accounts
        self._spawn = spawn
        self._chosen: dict[str, tuple[str, str]] = {}
        self._on_phone: set[str] = set()
        self._published: set[str] = set()  # accounts whose status went out since registering
        self._before_dnd: dict[str, tuple[str, str]] = {}

    async def set(self, state: str, note: str, account_id: str | None) -> None:
        acc = self._accounts.account(account_id)
        if not acc.features.presence:
            raise UsageError(f"presence is off for account {acc.id!r} (features.presence)")
        if state not in PRESENCE_STATES:
            raise UsageError(f"unknown presence {state!r} (one of: {', '.join(PRESENCE_STATES)})")
        self._chosen[acc.id] = (state, note)
        if acc.id in self._on_phone and state not in _KEEP:
            return  # published when the call ends
        self._on_phone.discard(acc.id)
        await self._backend.set_presence(acc.id, state, note)

    def choose_dnd(self, account_id: str, on: bool) -> None:
        """DND from the call rules: published as "dnd" (and back to what was chosen before
        it, or available) where the account publishes presence."""
        chosen = self._chosen.get(account_id)
        if on:
            if chosen is not None and chosen[0] != "dnd":
                self._before_dnd[account_id] = chosen
            self._chosen[account_id] = ("dnd", "do not disturb")
        elif chosen is not None and chosen[0] == "dnd":
            self._chosen.pop(account_id)
            if account_id in self._before_dnd:
                self._chosen[account_id] = self._before_dnd.pop(account_id)
        if account_id in self._published and self._enabled(account_id):
            self._spawn(self._backend.set_presence(
                account_id, *self._chosen.get(account_id, ("available", ""))))

    def on_event(self, event: Event) -> None:
        if isinstance(event, RegistrationChanged):
            self._registration(event)
        elif isinstance(event, CallChanged):
            self._call(event)

    def _registration(self, event: RegistrationChanged) -> None:
        """Publish the current status once registered (pjsua sends nothing by itself)."""
        acc_id, state = event.account.id, event.account.reg_state
        if state is not RegState.REGISTERED:
            if state is not RegState.REGISTERING:
                self._published.discard(acc_id)
            return
        if acc_id in self._published or not self._enabled(acc_id):
            return
        self._published.add(acc_id)
        current = ON_THE_PHONE if acc_id in self._on_phone else self._chosen.get(acc_id)
        self._spawn(self._backend.set_presence(acc_id, *(current or ("available", ""))))

    def _enabled(self, account_id: str) -> bool:
        try:
            return self._accounts.account(account_id).features.presence
        except UsageError:
            return False  # the echo line or a removed account

    def _call(self, event: CallChanged) -> None:
        account_id = event.call.account_id
        if not self._enabled(account_id):
            return
        chosen = self._chosen.get(account_id, ("available", ""))
        talking = any(
            c.account_id == account_id and c.state is CallState.CONNECTED
            for c in self._live.calls.values()
        )
        if talking and account_id not in self._on_phone and chosen[0] not in _KEEP:
            self._on_phone.add(account_id)
            self._spawn(self._backend.set_presence(account_id, *ON_THE_PHONE))
        elif not talking and account_id in self._on_phone:
            self._on_phone.discard(account_id)
            self._spawn(self._backend.set_presence(account_id, *chosen))
