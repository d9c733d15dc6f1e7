"""The local conference, a collaborator of ``Phone``: which calls are in it, joining
(held calls resumed first), leaving (held after), split. The mixing itself is the
backend's; membership is what its CallInfo snapshots say (``conference``). Loop thread."""

from __future__ import annotations

import contextlib
from collections.abc import Callable

from tuiphone.engine.bus import EventBus
from tuiphone.engine.state import LiveState
from tuiphone.model.backend import SipBackend
from tuiphone.model.call import CallInfo, CallState, MediaState
from tuiphone.model.errors import TuiphoneError, UsageError

GetCall = Callable[..., CallInfo]  # Calls.get_call: (call id or None, *states) -> CallInfo


class ConferenceDesk:
    """``get_call`` finds a visible call by id (NotFound otherwise)."""

    def __init__(self, backend: SipBackend, bus: EventBus, live: LiveState,
                 get_call: GetCall) -> None:
        self._backend = backend
        self._bus = bus
        self._live = live
        self._get_call = get_call

    async def join(self, call_ids: tuple[str, ...] = ()) -> tuple[str, ...]:
        """Add ``call_ids`` (none: every connected call) to the local conference, resuming
        those we hold; returns its members. Raises UsageError (fewer than two calls),
        NotFound."""
        calls = [self._get_call(c, CallState.CONNECTED) for c in call_ids] or [
            c for c in self._live.visible_calls() if c.state is CallState.CONNECTED]
        for call in calls:
            if call.state is not CallState.CONNECTED:
                raise UsageError(f"call {call.id} is {call.state.value}, not connected")
        members = {c.id for c in self._live.visible_calls() if c.conference}
        if len(members | {c.id for c in calls}) < 2:
            raise UsageError("a conference needs at least two connected calls")
        for call in calls:
            if call.media is MediaState.LOCAL_HOLD:
                await self._backend.resume(call.id)
        wanted = members | {c.id for c in calls}
        await self._backend.conference(tuple(c.id for c in calls))
        await self._until(lambda: wanted <= set(self.members()))
        return self.members()

    async def leave(self, call_ids: tuple[str, ...] = ()) -> tuple[str, ...]:
        """Take ``call_ids`` (none: every member, a split) out of the conference and hold
        them: each is a call of its own again. Returns the calls taken out. Raises
        UsageError when there is no conference or a call is not in it."""
        members = self.members()
        if not members:
            raise UsageError("there is no conference")
        ids = tuple(self._get_call(c).id for c in call_ids) or members
        await self._backend.leave_conference(ids)
        await self._until(lambda: not set(ids) & set(self.members()))
        for call_id in ids:
            call = self._live.calls.get(call_id)
            if call is None or call.media is MediaState.LOCAL_HOLD:
                continue
            with contextlib.suppress(TuiphoneError):  # it may have ended meanwhile
                await self._backend.hold(call_id)
        return ids

    def members(self) -> tuple[str, ...]:
        return tuple(c.id for c in self._live.visible_calls() if c.conference)

    async def _until(self, check: Callable[[], bool], timeout_s: float = 5.0) -> None:
        """Until the backend's events have made ``check()`` true (bounded: the answer
        then says what is known so far)."""
        if not check():
            with contextlib.suppress(TuiphoneError):
                await self._bus.wait(lambda _ev: check(), timeout_s)
