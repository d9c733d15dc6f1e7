"""The sound side of audio mode "device": which PortAudio devices the calls use, the
bridge to them (open while calls exist), a device that goes away, and the ringtone.
Every method runs on the pjsip thread except ``_lost_soon`` (PortAudio's thread)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from tuiphone.model.audio import AudioDevice, choose
from tuiphone.model.backend import MediaSettings
from tuiphone.model.errors import NotFound, TuiphoneError
from tuiphone.sip.device import DeviceBridge, MicPort, SpeakerPort
from tuiphone.sip.ringer import Ringer
from tuiphone.sip.sound import devices as list_devices
from tuiphone.sip.sound import load_sounddevice, refresh


class SoundDesk:
    """``notice(level, text)`` tells the user; ``defer(job)`` runs a job on the pjsip
    thread (callable from any thread)."""

    def __init__(self, media: MediaSettings, notice: Callable[[str, str], None],
                 defer: Callable[[Callable[[], None]], None]) -> None:
        self.media, self.notice, self.defer = media, notice, defer
        self.bridge: DeviceBridge | None = None
        self.ringer: Ringer | None = None
        self.chosen: dict[str, str] = {}  # "input"/"output"/"ring" -> the device's name

    def ports(self) -> tuple[MicPort, SpeakerPort]:
        """The microphone and speaker ports, opening the devices on first use. Raises
        NetworkError (no device), UsageError (no sounddevice)."""
        if self.bridge is None:
            sd = load_sounddevice()
            if self.ringer is None:
                refresh(sd)  # a headset plugged in since the last call
            found = list_devices(sd)
            inp, out = self._pick(found, "input"), self._pick(found, "output")
            self.bridge = DeviceBridge(sd, inp, out, self._lost_soon)
        return self.bridge.ports()

    def close(self) -> None:
        bridge, self.bridge = self.bridge, None
        if bridge is not None:
            bridge.close()

    def _pick(self, found: list[AudioDevice], kind: str, quiet: bool = False) -> int | None:
        """The configured device for ``kind`` ("input", "output", "ring"), or None (the
        default, said in a notice when the configured one is not there)."""
        wanted = {"input": self.media.input, "output": self.media.output,
                  "ring": self.media.ring or self.media.output}[kind]
        role = "output" if kind == "ring" else kind
        try:
            index = choose(found, wanted, role)
        except NotFound as err:
            if not quiet:
                self.notice("warning", f"[audio] {kind}: {err}; using the default device")
            index = None
        if index is None:
            return self._default_index(found, role, kind)
        self.chosen[kind] = next((d.name for d in found if d.index == index), "default")
        return index

    def _lost_soon(self, kind: str) -> None:
        """A stream ended by itself: its device went away (PortAudio's thread)."""
        self.defer(lambda: self._lost(kind))

    def _lost(self, kind: str) -> None:
        """Reopen on the default device; the calls stay wired to the same ports."""
        bridge = self.bridge
        if bridge is None:
            return
        gone = self.chosen.get(kind, "?")
        bridge.close_streams()
        sd = bridge.sd
        self.stop_ringing()
        refresh(sd)  # after a device vanished PortAudio opens nothing until restarted
        try:
            found = list_devices(sd)
            inp = self._default_index(found, "input") if kind == "input" else self._pick(
                found, "input", quiet=True)
            out = self._default_index(found, "output") if kind == "output" else self._pick(
                found, "output", quiet=True)
            bridge.open(inp, out)
        except TuiphoneError as err:
            self.notice("error", f"the sound {kind} device {gone} went away, and the "
                                 f"default did not open: {err}")
            return
        self.notice("warning", f"the sound {kind} device {gone} went away; the call "
                               f"goes on with the default ({self.chosen[kind]})")

    def _default_index(self, found: list[AudioDevice], role: str,
                       kind: str | None = None) -> int | None:
        """PortAudio's default device for ``role``, remembered as ``kind``'s choice."""
        index = next((d.index for d in found
                      if (d.default_input if role == "input" else d.default_output)), None)
        self.chosen[kind or role] = next((d.name for d in found if d.index == index), "default")
        return index

    def devices(self) -> list[AudioDevice]:
        """PortAudio's devices, read again when no stream of ours is open."""
        sd = load_sounddevice()
        if self.bridge is None and self.ringer is None:
            refresh(sd)
        return list_devices(sd)

    def use(self, role: str, wanted: str | None) -> str:
        """Use ``wanted`` (a name, part of one, or an index; None: the default) for
        ``role`` from now on; open streams move to it at once. Returns the device's
        name. Raises NotFound (listing the devices), UsageError, NetworkError."""
        sd = load_sounddevice()
        index = choose(list_devices(sd), wanted, "output" if role == "ring" else role)
        changes: dict[str, Any] = {role: wanted}
        self.media = dataclasses.replace(self.media, **changes)
        if self.bridge is not None and role != "ring":
            self.bridge.close_streams()
            if self.ringer is None:
                refresh(sd)
            found = list_devices(sd)
            self.bridge.open(self._pick(found, "input", quiet=True),
                             self._pick(found, "output", quiet=True))
            return self.chosen[role]
        return next((d.name for d in list_devices(sd) if d.index == index), "default")

    def ringing(self, on: bool) -> None:
        """Play the ringtone (device mode, ``ringtone`` set) while a call rings."""
        if not on:
            self.stop_ringing()
            return
        if self.ringer is not None or self.media.mode != "device" or not self.media.ringtone:
            return
        try:
            sd = load_sounddevice()
            if self.bridge is None:
                refresh(sd)
            self.ringer = Ringer(sd, self.media.ringtone, self._pick(list_devices(sd), "ring"))
        except TuiphoneError as err:
            self.notice("warning", f"no ringtone: {err}")

    def stop_ringing(self) -> None:
        ringer, self.ringer = self.ringer, None
        if ringer is not None:
            ringer.stop()
