"""Call handling rules of a Phone: DND, forwarding, the blocklist and the other screens.

Rules that answer a call before it rings run on the SIP stack's thread (the backend's
call screen) from an immutable table this desk replaces whole; no-answer forwarding is a
timer here on the loop. Loop-thread only, except ``screen``."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Callable

from tuiphone.engine.accounts import AccountBook
from tuiphone.engine.presence import PresenceKeeper
from tuiphone.engine.screening import LineRules, screen
from tuiphone.engine.state import LiveState
from tuiphone.model.account import AccountConfig
from tuiphone.model.backend import SipBackend
from tuiphone.model.call import CallInfo, CallState
from tuiphone.model.errors import TuiphoneError, UsageError
from tuiphone.model.events import CallChanged, DndChanged, Event, IncomingCall, Notice
from tuiphone.model.rules import Screening

Publish = Callable[[Event], None]
_RINGING = (CallState.INCOMING, CallState.RINGING)


class CallRulesDesk:
    def __init__(self, backend: SipBackend, accounts: AccountBook, live: LiveState,
                 presence: PresenceKeeper, publish: Publish) -> None:
        self._backend = backend
        self._accounts = accounts
        self._live = live
        self._presence = presence
        self._publish = publish
        self._lines: dict[str, LineRules] = {}  # replaced whole: the SIP thread reads it
        self._busy = False
        self._timers: dict[str, asyncio.TimerHandle] = {}
        self._forwarded: dict[str, str] = {}  # call id -> words, for no-answer forwarding
        self._dnd_set: dict[str, bool] = {}  # set_dnd's word: outlives a re-provisioning

    def start(self) -> None:
        self._backend.set_call_screen(self.screen)

    def stop(self) -> None:
        self._backend.set_call_screen(None)
        for timer in self._timers.values():
            timer.cancel()
        self._timers.clear()

    def add(self, config: AccountConfig) -> None:
        """Take an account's rules (targets resolved now: a bad one is a Notice)."""
        if config.internal:
            return  # the echo line's legs
        line = LineRules(
            rules=config.rules,
            dnd=self._dnd_set.get(config.id, config.rules.dnd),
            voicemail=self._resolve(config, "voicemail", config.voicemail or ""),
            forward_always=self._resolve(config, "forward_always", config.rules.forward_always),
            forward_busy=self._resolve(config, "forward_busy", config.rules.forward_busy),
        )
        self._lines = {**self._lines, config.id: line}
        if line.dnd:
            self._presence.choose_dnd(config.id, True)
            self._publish(DndChanged(self.dnd_accounts()))

    def remove(self, account_id: str) -> None:
        self._lines = {k: v for k, v in self._lines.items() if k != account_id}

    def _resolve(self, config: AccountConfig, what: str, text: str) -> str:
        if not text:
            return ""
        try:
            return self._accounts.resolve_target(text, config).uri
        except TuiphoneError as err:
            self._publish(Notice("warning", f"{config.id}: {what} {text!r} is not usable "
                                            f"({err}); that rule is off"))
            return ""

    # the SIP thread asks here

    def screen(self, call: CallInfo) -> Screening | None:
        line = self._lines.get(call.account_id)
        return None if line is None else screen(call, line, self._busy)

    # DND

    def dnd_accounts(self) -> tuple[str, ...]:
        return tuple(sorted(k for k, line in self._lines.items() if line.dnd))

    def set_dnd(self, on: bool, account_id: str | None) -> tuple[str, ...]:
        """Turn DND on or off for one account, or for every account (None)."""
        if account_id is not None:
            self._accounts.account(account_id)  # NotFound for a stranger
            if account_id not in self._lines:
                raise UsageError(f"account {account_id!r} takes no calls of its own")
        ids = [account_id] if account_id is not None else list(self._lines)
        lines = dict(self._lines)
        for acc_id in ids:
            lines[acc_id] = dataclasses.replace(lines[acc_id], dnd=on)
            self._dnd_set[acc_id] = on
            self._presence.choose_dnd(acc_id, on)
        self._lines = lines
        self._publish(DndChanged(self.dnd_accounts()))
        return self.dnd_accounts()

    # events, on the loop

    def on_event(self, event: Event) -> None:
        match event:
            case IncomingCall(call=call) if not call.screened:
                self._arm_no_answer(call)
            case CallChanged(call=call) if call.state not in _RINGING:
                timer = self._timers.pop(call.id, None)
                if timer is not None:
                    timer.cancel()
                if call.state is CallState.ENDED:
                    self._forwarded.pop(call.id, None)
            case _:
                pass
        self._busy = any(c.state is CallState.CONNECTED for c in self._live.calls.values())

    def annotate(self, event: Event) -> Event:
        """A call forwarded on no answer carries the rule's words like a screened one."""
        match event:
            case CallChanged(call=call) if call.id in self._forwarded and not call.screened:
                return CallChanged(dataclasses.replace(call, screened=self._forwarded[call.id]))
        return event

    def _arm_no_answer(self, call: CallInfo) -> None:
        try:
            config = self._accounts.account(call.account_id)
        except TuiphoneError:
            return
        target_text = config.rules.forward_no_answer
        if not target_text:
            return
        target = self._resolve(config, "forward_no_answer", target_text)
        if not target:
            return
        loop = asyncio.get_running_loop()
        self._timers[call.id] = loop.call_later(
            config.rules.no_answer_s, self._no_answer, call.id, target)

    def _no_answer(self, call_id: str, target: str) -> None:
        self._timers.pop(call_id, None)
        call = self._live.calls.get(call_id)
        if call is None or call.state not in _RINGING:
            return
        words = Screening(302, "forwarded (no answer)", target).words
        self._forwarded[call_id] = words
        task = asyncio.ensure_future(self._redirect(call_id, target))
        task.add_done_callback(lambda t: None if t.cancelled() else t.exception())

    async def _redirect(self, call_id: str, target: str) -> None:
        try:
            await self._backend.redirect(call_id, target)
        except TuiphoneError as err:
            self._forwarded.pop(call_id, None)
            self._publish(Notice("warning", f"{call_id}: forwarding on no answer failed: {err}"))
