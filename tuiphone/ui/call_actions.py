"""What the call keys do: answer, hang up, hold, mute, transfer, conference (join, leave,
split), voicemail.

Each action reads the calls from the engine's snapshot and runs its request through the
``PhoneLink``; the screen binds keys to these and knows nothing of how they work.
"""

from __future__ import annotations

from collections.abc import Callable

from textual.widget import Widget

from tuiphone.model.call import CallInfo, CallState, Direction, MediaState
from tuiphone.ui.phone_link import PhoneLink
from tuiphone.ui.screens.prompt import ConfirmScreen, PromptScreen

_RINGING_IN = (CallState.INCOMING, CallState.RINGING)


class CallActions:
    """``selection`` gives the id of the call highlighted in the Calls pane (or None)."""

    def __init__(self, link: PhoneLink, host: Widget, selection: Callable[[], str | None],
                 voicemail_uri: str | None = None, confirm_emergency: bool = False) -> None:
        self.link = link
        self.host = host
        self.selection = selection
        self.voicemail_uri = voicemail_uri
        self.confirm_emergency = confirm_emergency  # [ui] confirm_emergency; off: no delay

    def calls(self) -> tuple[CallInfo, ...]:
        return self.link.calls()

    def selected(self, *states: CallState) -> CallInfo | None:
        """The highlighted call, or the only one; notifies when there is none."""
        calls = [c for c in self.calls() if not states or c.state in states]
        chosen = self.selection()
        call = next((c for c in calls if c.id == chosen), calls[0] if calls else None)
        if call is None:
            self.host.notify("No call", severity="warning")
        return call

    def incoming(self) -> CallInfo | None:
        return next((c for c in self.calls() if c.direction is Direction.INCOMING
                     and c.state in _RINGING_IN), None)

    async def _hold_others(self, keep: str | None) -> None:
        for call in self.calls():
            if call.id != keep and call.state is CallState.CONNECTED and not call.on_hold:
                await self.link.need().hold(call.id)

    def dial(self, target: str) -> None:
        if self.confirm_emergency:
            self.link.run(f"Call {target}", lambda: self._ask_if_emergency(target))
        else:
            self._dial(target)

    def _dial(self, target: str) -> None:
        async def job() -> object:
            await self._hold_others(None)
            return await self.link.need().call(target)
        self.link.run(f"Call {target}", job)

    async def _ask_if_emergency(self, target: str) -> None:
        """Only with confirm_emergency: an emergency number waits for a yes."""
        preview = await self.link.need().invite_preview(target)
        if not preview.emergency:
            self._dial(target)
            return
        where = preview.location.profile.name if preview.location and \
            preview.location.profile else "no location"
        question = f"Call the emergency number {target} ({where})? y/n"
        self.host.app.push_screen(ConfirmScreen(question),
                                  lambda yes: self._dial(target) if yes else None)

    def answer_call(self, call_id: str) -> None:
        async def job() -> object:
            await self._hold_others(call_id)
            return await self.link.need().answer(call_id)
        self.link.run("Answer", job)

    def answer(self) -> None:
        call = self.incoming()
        if call is None:
            self.host.notify("No incoming call")
        else:
            self.answer_call(call.id)

    def reject(self, call_id: str) -> None:
        self.link.run("Reject", lambda: self.link.need().reject(call_id, 486))

    def hangup(self) -> None:
        call = self.selected()
        if call is not None:
            self.link.run("Hang up", lambda: self.link.need().hangup(call.id))

    def hold(self) -> None:
        call = self.selected()
        if call is None:
            return
        if call.media is MediaState.LOCAL_HOLD:
            self.link.run("Resume", lambda: self.link.need().resume(call.id))
        else:
            self.link.run("Hold", lambda: self.link.need().hold(call.id))

    def mute(self) -> None:
        call = self.selected()
        if call is not None:
            muted = not call.muted
            self.link.run("Mute", lambda: self.link.need().mute(call.id, muted))

    def dtmf(self, digits: str) -> None:
        call = self.selected(CallState.CONNECTED)
        if call is not None:
            self.link.run("DTMF", lambda: self.link.need().dtmf(digits, call.id))

    def pickup(self, target: str) -> None:
        self.link.run(f"Pick up {target}", lambda: self.link.need().pickup(target))

    def transfer_to(self, target: str) -> None:
        """Blind transfer of the selected connected call to ``target``."""
        call = self.selected(CallState.CONNECTED)
        if call is not None:
            self.link.run("Transfer", lambda: self.link.need().transfer(target, call.id))

    def transfer(self) -> None:
        """Ask whom, then transfer the selected connected call there."""
        call = self.selected(CallState.CONNECTED)
        if call is None:
            return

        def chosen(target: str | None) -> None:
            if target:
                self.link.run("Transfer", lambda: self.link.need().transfer(target, call.id))
        self.host.app.push_screen(PromptScreen("Blind transfer to:", "number or sip: URI"),
                                  chosen)

    def attended_to(self, target: str | None) -> None:
        """With two connected calls, join them; else consult ``target`` (or ask whom)
        first, holding the current call."""
        connected = [c for c in self.calls() if c.state is CallState.CONNECTED]
        if len(connected) >= 2:
            held = next((c for c in connected if c.on_hold), connected[0])
            other = next(c for c in connected if c.id != held.id)
            self.link.run("Attended transfer",
                          lambda: self.link.need().transfer_attended(held.id, other.id))
            return

        def consult(target: str | None) -> None:
            if target:
                self.dial(target)
                self.host.notify("Consulting: press the attended-transfer key again to complete")
        if target:
            consult(target)
        else:
            self.host.app.push_screen(PromptScreen("Attended transfer: call whom first?"),
                                      consult)

    def conference(self) -> None:
        """Every connected call into the conference, held ones resumed (as the CLI's
        ``conference`` with no calls named: the engine does both)."""
        self.link.run("Conference", lambda: self.link.need().conference(()))

    def leave_conference(self) -> None:
        """The highlighted call out of the conference, held."""
        call = self.selected(CallState.CONNECTED)
        if call is None:
            return
        if not call.conference:
            self.host.notify(f"{call.id} is not in the conference", severity="warning")
            return
        self.link.run("Leave conference", lambda: self.link.need().leave_conference((call.id,)))

    def split_conference(self) -> None:
        """Every call out of the conference, each held."""
        self.link.run("Split conference", lambda: self.link.need().leave_conference(()))

    def voicemail(self) -> None:
        """Send the ringing call to voicemail."""
        call = self.incoming()
        if call is not None:
            self.to_voicemail(call.id)

    def toggle_dnd(self) -> None:
        """Do not disturb on for every account, or off again if any is in DND."""
        phone = self.link.phone
        on = phone is None or not phone.state().dnd
        self.link.run("Do not disturb", lambda: self.link.need().set_dnd(on))

    def call_voicemail(self) -> None:
        """Dial the default account's voicemail box."""
        if self.voicemail_uri:
            self.dial(self.voicemail_uri)
        else:
            self.host.notify("No voicemail configured: set voicemail = \"...\" in the account",
                             severity="warning")

    def to_voicemail(self, call_id: str) -> None:
        """Redirect to the configured voicemail URI; with none, reject with 486."""
        target = self.voicemail_uri
        if target:
            self.link.run("Voicemail", lambda: self.link.need().redirect(call_id, target))
        else:
            self.reject(call_id)
