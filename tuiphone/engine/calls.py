"""Call control, a collaborator of ``Phone``: dialing, answering, mid-call actions, stats."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable, Coroutine, Mapping
from typing import Any

from tuiphone.engine.accounts import AccountBook
from tuiphone.engine.bus import EventBus
from tuiphone.engine.dialstring import DialTarget
from tuiphone.engine.echo import ECHO_ID
from tuiphone.engine.emergency_call import EmergencyDesk
from tuiphone.engine.figures import history_figures, rated
from tuiphone.engine.network import NetworkKeeper
from tuiphone.engine.state import LiveState
from tuiphone.model.account import AccountConfig
from tuiphone.model.audio import Recording
from tuiphone.model.backend import BodyPart, SipBackend
from tuiphone.model.call import (
    CallInfo,
    CallState,
    CallStats,
    Direction,
    HistoryEntry,
)
from tuiphone.model.errors import LimitExceeded, NotFound, TuiphoneError, UsageError
from tuiphone.model.events import CallChanged, CallStatsChanged, Event, IncomingCall, Notice

MAX_CALLS = 4  # PJSUA_MAX_CALLS in the wheel
log = logging.getLogger("tuiphone.engine.calls")
_LIVE = (CallState.CALLING, CallState.RINGING, CallState.CONNECTING, CallState.CONNECTED)
_MEDIA_STATES = (CallState.CONNECTING, CallState.CONNECTED)  # a call with audio to record


def _log_failure(task: asyncio.Task[None]) -> None:
    """Retrieve what a per-call task raised (no "never retrieved" warning) and log it."""
    if not task.cancelled() and task.exception() is not None:
        log.warning("call task failed: %r", task.exception())


def _header_name_ok(name: str) -> bool:
    return bool(name) and all(c.isalnum() or c in "!%'*+.^_`|~-" for c in name)


class Calls:
    """Call control of a Phone: dialling, answering, mid-call actions, stats and the
    history row of each ended call. Loop-thread only.

    ``record_history`` stores a finished call (the Phone keeps it out of the store for
    the echo line); ``stats_interval_s`` paces the RTP-stats poll of connected calls."""

    def __init__(
        self,
        backend: SipBackend,
        bus: EventBus,
        live: LiveState,
        accounts: AccountBook,
        network: NetworkKeeper,
        record_history: Callable[[HistoryEntry], None],
        stats_interval_s: float,
    ) -> None:
        self.backend = backend
        self.bus = bus
        self.live = live
        self.accounts = accounts
        self.network = network
        self.record_history = record_history
        self.stats_interval_s = stats_interval_s
        self._post_dial: dict[str, str] = {}
        self._started_at: dict[str, float] = {}
        self._call_tasks: dict[str, set[asyncio.Task[None]]] = {}
        self.emergency: EmergencyDesk | None = None  # set by the Phone

    def account(self, account_id: str | None) -> AccountConfig:
        return self.accounts.account(account_id)

    def resolve_target(self, text: str, acc: AccountConfig) -> DialTarget:
        return self.accounts.resolve_target(text, acc)

    def dial_target(self, text: str, acc: AccountConfig) -> tuple[DialTarget, bool]:
        """Where dialling ``text`` goes, and whether it is an emergency call. A typed
        emergency number is dialled as typed: no dialling rule may turn it into
        something that is no emergency call at all."""
        desk = self.emergency
        if desk is not None and desk.typed_emergency(text, acc):
            return self.accounts.resolve_target(text, acc, rewrite=False), True
        target = self.resolve_target(text, acc)
        return target, desk is not None and desk.wants(text, target.uri, acc)

    # dialing

    async def call(
        self,
        uri: str,
        account_id: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> CallInfo:
        acc = self.account(account_id)
        target, emergency = self.dial_target(uri, acc)
        for name in headers or {}:
            if not _header_name_ok(name):
                raise UsageError(f"invalid SIP header name {name!r}")
        if emergency and self.emergency is not None:
            return await self._emergency(self.emergency, uri, acc, target, headers)
        if len(self.live.calls) >= MAX_CALLS:
            raise LimitExceeded(f"at most {MAX_CALLS} simultaneous calls (pjsua2 limit)")
        return await self._dial(acc, target, headers)

    async def _emergency(self, desk: EmergencyDesk, typed: str, acc: AccountConfig,
                         target: DialTarget, headers: Mapping[str, str] | None) -> CallInfo:
        """Past the 4-call cap (a call makes room) and with the location headers."""
        await desk.make_room()
        choice, extra, parts = await desk.request(acc)
        info = await self._dial(acc, target, {**(headers or {}), **extra}, parts)
        desk.sent(info.id, acc, typed, choice)
        return info

    async def _dial(self, acc: AccountConfig, target: DialTarget,
                    headers: Mapping[str, str] | None, parts: tuple[BodyPart, ...] = ()
                    ) -> CallInfo:
        # A direct account has no server route: the callee's address decides ours. The
        # echo line is ours, on this host: a registrar elsewhere could not reach it, so
        # that INVITE leaves from the line's own direct account (the call stays acc's).
        caller = ECHO_ID if acc.registers and target.uri == self.accounts.echo_uri else None
        direct = caller is not None or not acc.registers
        route = await self.network.peer_route(target.uri) if direct else None
        call_id = await self.backend.make_call(acc.id, target.uri, headers, route, parts,
                                               caller)
        if target.post_dial:
            self._post_dial[call_id] = target.post_dial
        return self.live.calls.get(call_id) or CallInfo(
            id=call_id,
            account_id=acc.id,
            direction=Direction.OUTGOING,
            remote_uri=target.uri,
            state=CallState.CALLING,
            started=time.time(),
        )

    def get_call(self, call_id: str | None, *states: CallState) -> CallInfo:
        """The named call, or the single visible call in one of ``states`` (any if none).

        Raises NotFound when there is none, UsageError when the choice is ambiguous."""
        calls = self.live.visible_calls()
        if call_id is not None:
            for call in calls:
                if call.id == call_id:
                    return call
            raise NotFound(f"no call {call_id!r}")
        matching = [c for c in calls if not states or c.state in states]
        if not matching:
            wanted = "/".join(s.value for s in states) or "active"
            raise NotFound(f"no {wanted} call")
        if len(matching) > 1:
            ids = ", ".join(c.id for c in matching)
            raise UsageError(f"several calls ({ids}); name one")
        return matching[0]

    # actions

    async def answer(self, call_id: str | None = None) -> CallInfo:
        call = self.get_call(call_id, CallState.INCOMING, CallState.RINGING)
        if call.direction is not Direction.INCOMING:
            raise UsageError(f"call {call.id} is outgoing; nothing to answer")
        await self.backend.answer(call.id, 200)
        return self.live.calls.get(call.id, call)

    async def reject(self, call_id: str | None = None, code: int = 486) -> None:
        call = self.get_call(call_id, CallState.INCOMING, CallState.RINGING)
        if not 300 <= code <= 699:
            raise UsageError(f"reject code must be 300-699, not {code}")
        await self.backend.hangup(call.id, code)

    async def hangup(self, call_id: str | None = None) -> None:
        await self.backend.hangup(self.get_call(call_id).id, 0)

    async def hangup_all(self) -> int:
        calls = self.live.visible_calls()
        for call in calls:
            with contextlib.suppress(NotFound):  # a peer leg may end with its partner
                await self.backend.hangup(call.id, 0)
        return len(calls)

    async def redirect(self, call_id: str | None, target: str) -> None:
        call = self.get_call(call_id, CallState.INCOMING, CallState.RINGING)
        uri = self.resolve_target(target, self.account(call.account_id)).uri
        await self.backend.redirect(call.id, uri)

    async def hold(self, call_id: str | None = None) -> None:
        await self.backend.hold(self.get_call(call_id, CallState.CONNECTED).id)

    async def resume(self, call_id: str | None = None) -> None:
        await self.backend.resume(self.get_call(call_id, CallState.CONNECTED).id)

    async def mute(self, call_id: str | None = None, muted: bool = True) -> None:
        await self.backend.set_mute(self.get_call(call_id, CallState.CONNECTED).id, muted)

    async def dtmf(self, digits: str, call_id: str | None = None) -> None:
        bad = sorted({d for d in digits if d not in "0123456789*#ABCDabcd"})
        if not digits or bad:
            raise UsageError(f"DTMF digits are 0-9 * # A-D; got {''.join(bad) or 'nothing'}")
        call = self.get_call(call_id, CallState.CONNECTED)
        method = self.account(call.account_id).dtmf
        await self.backend.send_dtmf(call.id, digits.upper(), method)

    async def transfer(self, target: str, call_id: str | None = None) -> None:
        call = self.get_call(call_id, CallState.CONNECTED)
        uri = self.resolve_target(target, self.account(call.account_id)).uri
        await self.backend.transfer(call.id, uri)

    async def transfer_attended(self, call_id: str, target_call_id: str) -> None:
        a = self.get_call(call_id, CallState.CONNECTED)
        b = self.get_call(target_call_id, CallState.CONNECTED)
        await self.backend.transfer_attended(a.id, b.id)

    async def play(self, call_id: str, path: str) -> None:
        await self.backend.play_file(self.get_call(call_id).id, path)

    async def record(self, call_id: str | None, path: str | None = None,
                     stereo: bool = False, heard_only: bool = False) -> Recording:
        call = self.get_call(call_id, *_MEDIA_STATES)
        where = await self.backend.record_call(call.id, path, stereo, heard_only)
        return Recording(call.id, where, stereo)

    async def stop_recording(self, call_id: str | None = None) -> Recording:
        if call_id is None:
            recorded = [c for c in self.live.visible_calls() if c.recording]
            if len(recorded) == 1:
                call_id = recorded[0].id
        call = self.get_call(call_id)
        return Recording(call.id, await self.backend.stop_recording(call.id))

    async def fresh_stats(self, call_id: str) -> CallStats:
        """The call's RTP figures now. While a re-INVITE rebuilds the media (after a route
        change) pjsua has no stream for a moment: the last figures stand in for it."""
        try:
            stats = await self.backend.call_stats(call_id)
        except UsageError:
            cached = self.live.stats.get(call_id)
            if cached is None or call_id not in self.live.calls:
                raise
            return cached
        stats = rated(stats)
        self.live.stats[call_id] = stats
        return stats

    def final_stats(self, event: CallStatsChanged) -> CallStatsChanged:
        """The backend's last figures of a call that is ending: rated, and kept for its
        history row (which the CallChanged right after writes)."""
        stats = rated(event.stats)
        if event.call_id in self.live.calls:  # not for a call already in history
            self.live.stats[event.call_id] = stats
        return CallStatsChanged(event.call_id, stats)

    # event hooks

    def on_call_event(self, event: Event) -> None:
        match event:
            case IncomingCall(call=call):
                self._started_at[call.id] = call.started or time.time()
            case CallChanged(call=call) if call.state is CallState.CONNECTED:
                if call.id not in self._call_tasks:
                    self._call_tasks[call.id] = set()
                    self._spawn(call.id, self._poll_stats(call.id))
                    digits = self._post_dial.pop(call.id, "")
                    if digits:
                        self._spawn(call.id, self._send_post_dial(call.id, digits))
            case CallChanged(call=call) if call.state is CallState.ENDED:
                self._finish(call)
            case _:
                pass

    def _spawn(self, call_id: str, coro: Coroutine[Any, Any, None]) -> None:
        task = asyncio.ensure_future(coro)
        self._call_tasks.setdefault(call_id, set()).add(task)
        task.add_done_callback(_log_failure)

    async def _poll_stats(self, call_id: str) -> None:
        """Keep the call's figures fresh (for history's MOS) and publish them, except
        for the echo line's hidden leg."""
        while call_id in self.live.calls:
            with contextlib.suppress(TuiphoneError):
                stats = await self.fresh_stats(call_id)
                call = self.live.calls.get(call_id)
                if call is not None and call.account_id not in self.live.hidden_accounts:
                    self.bus.publish(CallStatsChanged(call_id, stats))
            await asyncio.sleep(self.stats_interval_s)

    async def _send_post_dial(self, call_id: str, digits: str) -> None:
        try:
            for chunk in digits.split(","):
                if chunk:
                    await self.dtmf(chunk, call_id)
                await asyncio.sleep(1.0)  # ',' is a one-second pause by convention
        except TuiphoneError as err:  # nobody awaits this task: tell the user instead
            self.bus.publish(Notice("warning", f"{call_id}: post-dial digits not sent: {err}"))

    def _finish(self, call: CallInfo) -> None:
        for task in self._call_tasks.pop(call.id, set()):
            task.cancel()
        self._post_dial.pop(call.id, None)
        stats = self.live.stats.pop(call.id, None)
        self.record_history(
            HistoryEntry(
                call_id=call.id,
                account_id=call.account_id,
                direction=call.direction,
                remote_uri=call.remote_uri,
                remote_name=call.remote_name,
                started=call.started or self._started_at.pop(call.id, time.time()),
                answered=call.answered,
                ended=call.ended or time.time(),
                code=call.code,
                reason=call.screened or call.reason,
                identity=call.identity.vouch if call.identity else None,
                **history_figures(stats),
            )
        )

    async def close_calls(self, timeout_s: float = 5.0) -> None:
        """Hang up every call and wait (bounded) until each has ended and is in history."""
        ids = set(self.live.calls)
        for call_id in ids:
            with contextlib.suppress(TuiphoneError):
                await self.backend.hangup(call_id, 0)
        if ids & set(self.live.calls):
            with contextlib.suppress(TuiphoneError):
                await self.bus.wait(lambda _ev: not ids & set(self.live.calls), timeout_s)
        for tasks in self._call_tasks.values():
            for task in tasks:
                task.cancel()
        self._call_tasks.clear()
