"""Call actions of the main screen: each one key, each runs the phone in a worker."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from textual import work

from tuiphone.model.call import CallInfo, CallState, Direction, MediaState
from tuiphone.model.errors import TuiphoneError
from tuiphone.ui.screens.prompt import PromptScreen

if TYPE_CHECKING:
    from tuiphone.ui.screens.main import MainScreen

_RINGING_IN = (CallState.INCOMING, CallState.RINGING)


class CallWork:
    """Mixin for MainScreen: needs ``phone``, ``calls()``, ``selected_call()``."""

    @work(group="phone")
    async def run_phone(
        self: MainScreen, what: str, job: Callable[[], Awaitable[object]]
    ) -> object:
        """Run one phone call; a TuiphoneError becomes a notification, never a crash."""
        if self.phone is None:
            self.notify("The engine is still starting", severity="warning")
            return None
        try:
            return await job()
        except TuiphoneError as err:
            self.notify(f"{what}: {err}", title="tuiphone", severity="error")
            return None

    def incoming(self: MainScreen) -> CallInfo | None:
        return next((c for c in self.calls() if c.direction is Direction.INCOMING
                     and c.state in _RINGING_IN), None)

    async def _hold_others(self: MainScreen, keep: str | None) -> None:
        assert self.phone is not None
        for call in self.calls():
            if call.id != keep and call.state is CallState.CONNECTED and not call.on_hold:
                await self.phone.hold(call.id)

    def dial(self: MainScreen, target: str) -> None:
        async def job() -> object:
            assert self.phone is not None
            await self._hold_others(None)
            return await self.phone.call(target)
        self.run_phone(f"Call {target}", job)

    def answer_call(self: MainScreen, call_id: str) -> None:
        async def job() -> object:
            assert self.phone is not None
            await self._hold_others(call_id)
            return await self.phone.answer(call_id)
        self.run_phone("Answer", job)

    def action_answer(self: MainScreen) -> None:
        call = self.incoming()
        if call is None:
            self.notify("No incoming call")
        else:
            self.answer_call(call.id)

    def action_hangup(self: MainScreen) -> None:
        call = self.selected_call()
        if call is not None:
            self.run_phone("Hang up", lambda: self.phone.hangup(call.id))  # type: ignore[union-attr]

    def action_hold(self: MainScreen) -> None:
        call = self.selected_call()
        if call is None:
            return
        if call.media is MediaState.LOCAL_HOLD:
            self.run_phone("Resume", lambda: self.phone.resume(call.id))  # type: ignore[union-attr]
        else:
            self.run_phone("Hold", lambda: self.phone.hold(call.id))  # type: ignore[union-attr]

    def action_mute(self: MainScreen) -> None:
        call = self.selected_call()
        if call is not None:
            muted = not call.muted
            self.run_phone("Mute", lambda: self.phone.mute(call.id, muted))  # type: ignore[union-attr]

    def send_dtmf(self: MainScreen, digits: str) -> None:
        call = self.selected_call(CallState.CONNECTED)
        if call is not None:
            self.run_phone("DTMF", lambda: self.phone.dtmf(digits, call.id))  # type: ignore[union-attr]

    def action_transfer(self: MainScreen) -> None:
        call = self.selected_call(CallState.CONNECTED)
        if call is None:
            return

        def go(target: str | None) -> None:
            if target:
                self.run_phone("Transfer",
                               lambda: self.phone.transfer(target, call.id))  # type: ignore[union-attr]
        self.app.push_screen(PromptScreen("Blind transfer to:", "number or sip: URI"), go)

    def action_attended(self: MainScreen) -> None:
        connected = [c for c in self.calls() if c.state is CallState.CONNECTED]
        if len(connected) >= 2:
            held = next((c for c in connected if c.on_hold), connected[0])
            other = next(c for c in connected if c.id != held.id)
            self.run_phone("Attended transfer",
                           lambda: self.phone.transfer_attended(held.id, other.id))  # type: ignore[union-attr]
            return

        def consult(target: str | None) -> None:
            if target:
                self.dial(target)
                self.notify("Consulting: press the attended-transfer key again to complete")
        self.app.push_screen(PromptScreen("Attended transfer: call whom first?"), consult)

    def action_conference(self: MainScreen) -> None:
        ids = tuple(c.id for c in self.calls() if c.state is CallState.CONNECTED)

        async def job() -> object:
            assert self.phone is not None
            for call in self.calls():
                if call.id in ids and call.media is MediaState.LOCAL_HOLD:
                    await self.phone.resume(call.id)
            return await self.phone.conference(ids)
        self.run_phone("Conference", job)

    def action_voicemail(self: MainScreen) -> None:
        call = self.incoming()
        if call is not None:
            self.to_voicemail(call.id)

    def to_voicemail(self: MainScreen, call_id: str) -> None:
        """Redirect to the configured voicemail URI; with none, reject with 486."""
        target = self.voicemail_uri
        if target:
            self.run_phone("Voicemail", lambda: self.phone.redirect(call_id, target))  # type: ignore[union-attr]
        else:
            self.run_phone("Reject", lambda: self.phone.reject(call_id, 486))  # type: ignore[union-attr]
