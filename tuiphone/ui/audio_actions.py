"""What the audio keys do: record a call (or stop), ask to record on answer
([audio] record_calls = "ask"), and the sound-device picker."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from textual.widget import Widget

from tuiphone.config.appstate import save_audio_choice
from tuiphone.model.audio import AudioDevice
from tuiphone.model.call import CallInfo
from tuiphone.model.errors import UsageError
from tuiphone.ui.phone_link import PhoneLink
from tuiphone.ui.screens.prompt import ChooseScreen, ConfirmScreen, PromptScreen

_ROLES = (("input", "Microphone (input)"), ("output", "Speaker (output)"),
          ("ring", "Ringtone (ring)"))


class AudioActions:
    """``selected`` gives the connected call to act on (notifying when there is none)."""

    def __init__(self, link: PhoneLink, host: Widget,
                 selected: Callable[[], CallInfo | None], ask_record: bool = False) -> None:
        self.link, self.host, self.selected = link, host, selected
        self.ask_record = ask_record  # [audio] record_calls = "ask"

    def toggle_record(self) -> None:
        """Stop the selected call's recording, or start one into [audio] record_dir
        (asking for a file when there is no record_dir)."""
        call = self.selected()
        if call is None:
            return
        if call.recording:
            self.link.run("Stop recording", lambda: self._stopped(call.id))
        else:
            self.link.run("Record", lambda: self._start(call.id))

    async def _stopped(self, call_id: str) -> None:
        done = await self.link.need().stop_recording(call_id)
        self.host.notify(f"Recorded to {done.path}")

    async def _start(self, call_id: str, path: str | None = None) -> None:
        try:
            rec = await self.link.need().record(call_id, path)
        except UsageError as err:
            if path is not None or "record_dir" not in str(err):
                raise
            def chosen(where: str | None) -> None:
                if where:
                    self.link.run("Record", lambda: self._start(call_id, where))
            self.host.app.push_screen(
                PromptScreen("Record to file (on the engine's machine):", "/path/call.wav"),
                chosen)
            return
        self.host.notify(f"Recording to {rec.path}")

    def answered(self, call_id: str) -> None:
        """After the user answered: with record_calls = "ask", ask whether to record."""
        if not self.ask_record:
            return
        def chosen(yes: bool | None) -> None:
            if yes:
                self.link.run("Record", lambda: self._start(call_id))
        self.host.app.push_screen(ConfirmScreen("Record this call? y/n"), chosen)

    def pick_device(self) -> None:
        """Which role, then which device (or the default): used at once and kept in
        state.toml across restarts, as ``audio use`` does."""
        self.host.app.push_screen(ChooseScreen("Sound device for:", _ROLES), self._role_chosen)

    def _role_chosen(self, role: str | None) -> None:
        if role is not None:
            self.link.run("Sound devices", lambda: self._list(role))

    async def _list(self, role: str) -> None:
        found = await self.link.need().audio_devices()
        usable = [d for d in found if (d.inputs if role == "input" else d.outputs) > 0]
        choices = [("", "System default"), *((str(d.index), _label(d)) for d in usable)]

        def chosen(value: str | None) -> None:
            if value is not None:
                self.link.run("Sound devices", lambda: self._use(role, value or None))
        self.host.app.push_screen(ChooseScreen(f"{role.capitalize()} device:", choices), chosen)

    async def _use(self, role: str, device: str | None) -> None:
        name = await self.link.need().set_audio_device(role, device)
        # kept by name: an index changes when devices come and go
        await asyncio.to_thread(save_audio_choice, role, None if device is None else name)
        self.host.notify(f"{role.capitalize()}: {name} (kept)")


def _label(d: AudioDevice) -> str:
    default = " (default)" if d.default_input or d.default_output else ""
    return f"{d.name}{default}  [{d.hostapi}, in {d.inputs}, out {d.outputs}]"


