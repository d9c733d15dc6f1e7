"""Usage counters (``features.usage_counters``): local tallies, never sent anywhere.

All counting happens here, from the engine's events and from ``note`` (what front ends
report: an app start, a screen opened, a crash). An account's calls, messages and
registrations are counted only when that account turned the switch on; app starts,
screens and crashes only when some account did. With the switch off everywhere no task
runs and nothing is written.

Counter names in the store's ``counters`` table: ``<account id>:<counter>`` for an
account's, ``*:<counter>`` for the app's (``*`` can be no account id). Loop-thread only.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import time
from collections.abc import AsyncIterator, Callable

from tuiphone.model.account import RegState
from tuiphone.model.call import CallInfo, CallState, Direction
from tuiphone.model.errors import UsageError
from tuiphone.model.events import (
    CallChanged,
    Event,
    MessageReceived,
    MessageStatus,
    RegistrationChanged,
)
from tuiphone.model.message import Delivery

APP = "*"
CALL_SECONDS = "call.seconds"
# what a front end may report with ``note``
FACT = re.compile(r"start\.(tui|shell|daemon|cli)|screen\.[a-z][a-z0-9_-]{0,39}|crash")
Save = Callable[[str, Callable[[], object]], bool]  # Journal.save
Bump = Callable[[str, int], object]  # Store.bump_counter


def key(scope: str, counter: str) -> str:
    return f"{scope}:{counter}"


def call_result(call: CallInfo) -> str:
    """How an ended call went: answered, missed (incoming, never answered), busy,
    cancelled (hung up before an answer, or 487) or failed."""
    if call.answered is not None:
        return "answered"
    if call.direction is Direction.INCOMING:
        return "missed"
    if call.code in (486, 600):
        return "busy"
    if call.code in (0, 487):
        return "cancelled"
    return "failed"


class UsageCounters:
    """``enabled(account_id)`` says whether an account counts (its config can change
    while the engine runs); ``app_enabled`` whether the app-wide counters do."""

    def __init__(self, bump: Bump, save: Save, enabled: Callable[[str], bool],
                 app_enabled: bool) -> None:
        self._bump, self._save = bump, save
        self.enabled, self.app_enabled = enabled, app_enabled
        self._reg: dict[str, RegState] = {}
        self._task: asyncio.Task[None] | None = None

    def start(self, subscribe: Callable[[], AsyncIterator[Event]], any_account: bool) -> None:
        """Count the bus's events in a task (call before the stack starts), if any
        account counts at all; otherwise do not even subscribe."""
        if any_account or self.app_enabled:
            self._task = asyncio.ensure_future(self._run(subscribe()))

    async def _run(self, events: AsyncIterator[Event]) -> None:
        async for event in events:
            self.on_event(event)

    async def close(self) -> None:
        """After the bus closed: the events still queued are counted, then it ends."""
        task, self._task = self._task, None
        if task is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await task

    def note(self, fact: str) -> None:
        """Count an app-wide fact (``FACT``). Raises UsageError for any other name."""
        if not FACT.fullmatch(fact):
            raise UsageError(f"not a usage fact: {fact!r}")
        if self.app_enabled:
            self._count(APP, "crashes" if fact == "crash" else fact)

    def on_event(self, event: Event) -> None:
        match event:
            case CallChanged(call=call) if call.state is CallState.ENDED:
                self._call_ended(call)
            case MessageReceived(message=m) if self.enabled(m.account_id):
                self._count(m.account_id, "messages.received")
            case MessageStatus(message=m) if m.delivery is Delivery.SENT:
                if self.enabled(m.account_id):
                    self._count(m.account_id, "messages.sent")
            case RegistrationChanged(account=state):
                self._registration(state.id, state.reg_state)
            case _:
                pass

    def _call_ended(self, call: CallInfo) -> None:
        if not self.enabled(call.account_id):
            return  # (a call ends once: the history is written from the same event)
        self._count(call.account_id, f"calls.{call_result(call)}")
        if call.answered is not None:
            seconds = max(0, round((call.ended or time.time()) - call.answered))
            self._count(call.account_id, CALL_SECONDS, seconds)

    def _registration(self, account_id: str, state: RegState) -> None:
        before = self._reg.get(account_id)
        self._reg[account_id] = state
        if state == before or not self.enabled(account_id):
            return
        if state is RegState.REGISTERED:
            self._count(account_id, "registrations")
        elif state is RegState.FAILED:
            self._count(account_id, "registration.failures")

    def _count(self, scope: str, counter: str, by: int = 1) -> None:
        name = key(scope, counter)
        self._save("usage counters", lambda: self._bump(name, by))
