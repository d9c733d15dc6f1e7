"""Call actions of the main screen: each one key, each runs the phone in a worker."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable

from textual import work
from textual.screen import Screen

from tuiphone.engine.api import PhoneApi
from tuiphone.model.call import CallInfo, CallState, Direction, MediaState
from tuiphone.model.errors import TuiphoneError
from tuiphone.ui.screens.prompt import PromptScreen

_RINGING_IN = (CallState.INCOMING, CallState.RINGING)
ENGINE_WAIT_S = 30.0


class CallWork(Screen[None]):
    """Base of MainScreen: the call actions; the subclass provides the calls and selection."""

    phone: PhoneApi | None = None
    voicemail_uri: str | None = None

    def calls(self) -> tuple[CallInfo, ...]:
        raise NotImplementedError

    def selected_call(self, *states: CallState) -> CallInfo | None:
        raise NotImplementedError

    def need_phone(self) -> PhoneApi:
        """The phone; only called from jobs that ``run_phone`` runs once it exists."""
        assert self.phone is not None
        return self.phone

    _phone_ready: asyncio.Event | None = None

    def phone_ready(self) -> asyncio.Event:
        """Set once the engine is attached; actions issued before then wait for it."""
        if self._phone_ready is None:
            self._phone_ready = asyncio.Event()
            if self.phone is not None:
                self._phone_ready.set()
        return self._phone_ready

    @work(group="phone")
    async def run_phone(self, what: str, job: Callable[[], Awaitable[object]]) -> object:
        """Run one phone call; a TuiphoneError becomes a notification, never a crash.

        Typed before the engine is up (it starts after the first paint), the action
        waits for it instead of being dropped."""
        if self.phone is None:
            self.notify(f"{what}: waiting for the engine to start")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.phone_ready().wait(), ENGINE_WAIT_S)
        if self.phone is None:
            self.notify(f"{what}: the engine did not start", severity="error")
            return None
        try:
            return await job()
        except TuiphoneError as err:
            self.notify(f"{what}: {err}", title="tuiphone", severity="error")
            return None

    def incoming(self) -> CallInfo | None:
        return next((c for c in self.calls() if c.direction is Direction.INCOMING
                     and c.state in _RINGING_IN), None)

    async def _hold_others(self, keep: str | None) -> None:
        assert self.phone is not None
        for call in self.calls():
            if call.id != keep and call.state is CallState.CONNECTED and not call.on_hold:
                await self.need_phone().hold(call.id)

    def dial(self, target: str) -> None:
        async def job() -> object:
            await self._hold_others(None)
            return await self.need_phone().call(target)
        self.run_phone(f"Call {target}", job)

    def answer_call(self, call_id: str) -> None:
        async def job() -> object:
            await self._hold_others(call_id)
            return await self.need_phone().answer(call_id)
        self.run_phone("Answer", job)

    def action_answer(self) -> None:
        call = self.incoming()
        if call is None:
            self.notify("No incoming call")
        else:
            self.answer_call(call.id)

    def action_hangup(self) -> None:
        call = self.selected_call()
        if call is not None:
            self.run_phone("Hang up", lambda: self.need_phone().hangup(call.id))

    def action_hold(self) -> None:
        call = self.selected_call()
        if call is None:
            return
        if call.media is MediaState.LOCAL_HOLD:
            self.run_phone("Resume", lambda: self.need_phone().resume(call.id))
        else:
            self.run_phone("Hold", lambda: self.need_phone().hold(call.id))

    def action_mute(self) -> None:
        call = self.selected_call()
        if call is not None:
            muted = not call.muted
            self.run_phone("Mute", lambda: self.need_phone().mute(call.id, muted))

    def send_dtmf(self, digits: str) -> None:
        call = self.selected_call(CallState.CONNECTED)
        if call is not None:
            self.run_phone("DTMF", lambda: self.need_phone().dtmf(digits, call.id))

    def action_transfer(self) -> None:
        call = self.selected_call(CallState.CONNECTED)
        if call is None:
            return

        def go(target: str | None) -> None:
            if target:
                self.run_phone("Transfer",
                               lambda: self.need_phone().transfer(target, call.id))
        self.app.push_screen(PromptScreen("Blind transfer to:", "number or sip: URI"), go)

    def action_attended(self) -> None:
        self.attended_to(None)

    def attended_to(self, target: str | None) -> None:
        """With two connected calls, join them; else consult ``target`` (or ask whom)
        first, holding the current call."""
        connected = [c for c in self.calls() if c.state is CallState.CONNECTED]
        if len(connected) >= 2:
            held = next((c for c in connected if c.on_hold), connected[0])
            other = next(c for c in connected if c.id != held.id)
            self.run_phone("Attended transfer",
                           lambda: self.need_phone().transfer_attended(held.id, other.id))
            return

        def consult(target: str | None) -> None:
            if target:
                self.dial(target)
                self.notify("Consulting: press the attended-transfer key again to complete")
        if target:
            consult(target)
        else:
            self.app.push_screen(PromptScreen("Attended transfer: call whom first?"), consult)

    def action_conference(self) -> None:
        ids = tuple(c.id for c in self.calls() if c.state is CallState.CONNECTED)

        async def job() -> object:
            for call in self.calls():
                if call.id in ids and call.media is MediaState.LOCAL_HOLD:
                    await self.need_phone().resume(call.id)
            await self.need_phone().conference(ids)
            return None
        self.run_phone("Conference", job)

    def action_voicemail(self) -> None:
        call = self.incoming()
        if call is not None:
            self.to_voicemail(call.id)

    def action_call_voicemail(self) -> None:
        """Dial the default account's voicemail box."""
        if self.voicemail_uri:
            self.dial(self.voicemail_uri)
        else:
            self.notify("No voicemail configured: set voicemail = \"...\" in the account",
                        severity="warning")

    def to_voicemail(self, call_id: str) -> None:
        """Redirect to the configured voicemail URI; with none, reject with 486."""
        target = self.voicemail_uri
        if target:
            self.run_phone("Voicemail", lambda: self.need_phone().redirect(call_id, target))
        else:
            self.run_phone("Reject", lambda: self.need_phone().reject(call_id, 486))
