"""Audio wiring on the conference bridge. Every method runs on the pjsip thread.

Modes: "null" wires each call to the null sound device; "files" plays
``play_file`` into every call; "device" wires calls to PortAudio (device.py).
With ``record_dir`` and ``record_calls = "all"`` every call of the user's is recorded
there; ``record``/``stop_recording`` do it on demand. Players and recording ports
are kept per call and dropped when the call is discarded.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pjsua2 as pj

from tuiphone.model.audio import AudioDevice
from tuiphone.model.call import CallState
from tuiphone.model.errors import NotFound, TuiphoneError, UsageError
from tuiphone.sip.device import DeviceBridge
from tuiphone.sip.errors import convert
from tuiphone.sip.recorder import CallTap
from tuiphone.sip.ringer import Ringer
from tuiphone.sip.sound import choose, devices, load_sounddevice, refresh

if TYPE_CHECKING:
    from tuiphone.sip.call import PjCall
    from tuiphone.sip.core import Core

_TONE_ON_MS, _TONE_OFF_MS, _TONE_VOLUME = 120, 80, 0


@dataclass(slots=True)
class CallPorts:
    """Ports owned for one call. ``source`` is what the call hears from us."""

    wired: bool = False
    muted: bool = False
    source: pj.AudioMedia | None = None
    player: pj.AudioMediaPlayer | None = None
    tap: CallTap | None = None  # the recording under way
    retired: list[CallTap] = field(default_factory=list)  # stopped; the bridge may still call
    tones: pj.ToneGenerator | None = None


class MediaManager:
    def __init__(self, core: Core) -> None:
        self.core = core
        self.media = core.stack.settings.media
        self.ports: dict[str, CallPorts] = {}
        self.device: DeviceBridge | None = None  # "device" mode, open while calls exist
        self.ringer: Ringer | None = None
        self.chosen: dict[str, str] = {}  # "input"/"output" -> the device name in use

    def _audio(self, call: PjCall) -> pj.AudioMedia:
        if call.audio is None:
            raise UsageError(f"call {call.key} has no active audio")
        return call.audio

    def connect(self, call: PjCall) -> None:
        """Media became active: wire the call once (again after a re-INVITE). A call
        that has ended gets nothing: its ports are released, and a recorder made now
        would truncate its finished file and never be closed."""
        if call.info.state is CallState.ENDED:
            return
        ports = self.ports.setdefault(call.key, CallPorts())
        am = self._audio(call)
        source, sink = self._endpoints()
        if ports.source is None:
            ports.source = source
        if self.media.mode == "files" and not ports.wired and self.media.play_file:
            self.play(call, self.media.play_file)
        first = not ports.wired
        if not ports.muted:
            ports.source.startTransmit(am)
        if ports.tap is not None:
            am.startTransmit(ports.tap.far)  # again after a re-INVITE gave new media
        am.startTransmit(sink)
        ports.wired = True
        if (first and self.media.record_dir and self.media.record_calls == "all"
                and not self._internal(call)):
            try:
                self.record(call, self.default_path(call))
            except TuiphoneError as err:
                self.core.notice("error", f"call {call.key} is not recorded: {err}")

    def default_path(self, call: PjCall) -> str:
        """``record_dir``/START-CALL.wav. Raises UsageError without a record_dir."""
        if not self.media.record_dir:
            raise UsageError("no [audio] record_dir: give the file to record to (--out)")
        return os.path.join(self.media.record_dir, f"{int(call.info.started)}-{call.key}.wav")

    def _internal(self, call: PjCall) -> bool:
        """A leg of the engine's own line (the echo line's side of a test call)."""
        acc = self.core.accounts.get(call.info.account_id)
        return acc is not None and acc.config.internal

    def _endpoints(self) -> tuple[pj.AudioMedia, pj.AudioMedia]:
        """(what calls hear by default, where their audio goes) for the mode."""
        if self.media.mode == "device":
            if self.device is None:
                sd = load_sounddevice()
                if self.ringer is None:
                    refresh(sd)  # a headset plugged in since the last call
                found = devices(sd)
                inp, out = self._pick(found, "input"), self._pick(found, "output")
                self.device = DeviceBridge(sd, inp, out, self._lost_soon)
            return self.device.ports()
        dev = self.core.stack.ep.audDevManager()
        return dev.getCaptureDevMedia(), dev.getPlaybackDevMedia()

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
                self.core.notice("warning", f"[audio] {kind}: {err}; using the default device")
            index = None
        if index is None:
            return self._default_index(found, role, kind)
        self.chosen[kind] = next((d.name for d in found if d.index == index), "default")
        return index

    def _lost_soon(self, kind: str) -> None:
        """A stream ended by itself: its device went away (PortAudio's thread)."""
        self.core.defer(lambda: self._lost(kind))

    def _lost(self, kind: str) -> None:
        """Reopen on the default device; the calls stay wired to the same ports."""
        device = self.device
        if device is None:
            return
        gone = self.chosen.get(kind, "?")
        device.close_streams()
        sd = device.sd
        self.stop_ringing()
        refresh(sd)  # after a device vanished PortAudio opens nothing until restarted
        try:
            found = devices(sd)
            inp = self._default_index(found, "input") if kind == "input" else self._pick(
                found, "input", quiet=True)
            out = self._default_index(found, "output") if kind == "output" else self._pick(
                found, "output", quiet=True)
            device.open(inp, out)
        except TuiphoneError as err:
            self.core.notice("error", f"the sound {kind} device {gone} went away, and the "
                                      f"default did not open: {err}")
            return
        self.core.notice("warning", f"the sound {kind} device {gone} went away; the call "
                                    f"goes on with the default ({self.chosen[kind]})")

    def _default_index(self, found: list[AudioDevice], role: str,
                       kind: str | None = None) -> int | None:
        """PortAudio's default device for ``role``, remembered as ``kind``'s choice."""
        index = next((d.index for d in found
                      if (d.default_input if role == "input" else d.default_output)), None)
        self.chosen[kind or role] = next((d.name for d in found if d.index == index), "default")
        return index

    def audio_devices(self) -> list[AudioDevice]:
        """PortAudio's devices, read again when no stream of ours is open."""
        sd = load_sounddevice()
        if self.device is None and self.ringer is None:
            refresh(sd)
        return devices(sd)

    def use_device(self, role: str, wanted: str | None) -> str:
        """Use ``wanted`` (a name, part of one, or an index; None: the default) for
        ``role`` from now on; open streams move to it at once. Returns the device's
        name. Raises NotFound (listing the devices), UsageError, NetworkError."""
        sd = load_sounddevice()
        index = choose(devices(sd), wanted, "output" if role == "ring" else role)
        changes: dict[str, Any] = {role: wanted}
        self.media = dataclasses.replace(self.media, **changes)
        if self.device is not None and role != "ring":
            self.device.close_streams()
            if self.ringer is None:
                refresh(sd)
            found = devices(sd)
            self.device.open(self._pick(found, "input", quiet=True),
                             self._pick(found, "output", quiet=True))
            return self.chosen[role]
        return next((d.name for d in devices(sd) if d.index == index), "default")

    def ringing(self, on: bool) -> None:
        """Play the ringtone (device mode, ``ringtone`` set) while a call rings."""
        if not on:
            self.stop_ringing()
            return
        if self.ringer is not None or self.media.mode != "device" or not self.media.ringtone:
            return
        try:
            sd = load_sounddevice()
            if self.device is None:
                refresh(sd)
            self.ringer = Ringer(sd, self.media.ringtone, self._pick(devices(sd), "ring"))
        except TuiphoneError as err:
            self.core.notice("warning", f"no ringtone: {err}")

    def stop_ringing(self) -> None:
        ringer, self.ringer = self.ringer, None
        if ringer is not None:
            ringer.stop()

    def play(self, call: PjCall, path: str) -> None:
        """Replace what the call hears with the WAV at ``path`` (looped)."""
        ports = self.ports.setdefault(call.key, CallPorts())
        am = self._audio(call)
        if not os.path.isfile(path):
            raise NotFound(f"no such audio file: {path}")
        player = pj.AudioMediaPlayer()
        try:
            player.createPlayer(path)
        except pj.Error as err:
            raise convert(err, f"playing {path}") from None
        if ports.source is not None:
            with contextlib.suppress(pj.Error):
                ports.source.stopTransmit(am)
        if ports.tap is not None and not ports.muted:
            if ports.source is not None:
                with contextlib.suppress(pj.Error):
                    ports.source.stopTransmit(ports.tap.near)
            player.startTransmit(ports.tap.near)
        ports.player, ports.source = player, player
        if not ports.muted:
            player.startTransmit(am)

    def record(self, call: PjCall, path: str, stereo: bool = False) -> None:
        """Record the call into ``path``: what the far end sends and what the call hears
        from us (microphone, or the file played), mixed, or left and right with
        ``stereo``. Raises UsageError (already recording, unwritable file)."""
        ports = self.ports.setdefault(call.key, CallPorts())
        am = self._audio(call)
        if ports.tap is not None:
            raise UsageError(f"call {call.key} is already being recorded to {ports.tap.path}")
        if ports.source is None:
            ports.source = self._endpoints()[0]
        tap = CallTap(path, stereo)
        try:
            am.startTransmit(tap.far)
            if not ports.muted:
                ports.source.startTransmit(tap.near)
        except pj.Error as err:
            tap.close()
            ports.retired.append(tap)
            raise convert(err, f"recording to {path}") from None
        ports.tap = tap
        call.update(recording=path)

    def stop_recording(self, call: PjCall) -> str:
        """Finish the call's recording; returns its file. Raises UsageError if none."""
        ports = self.ports.get(call.key)
        if ports is None or ports.tap is None:
            raise UsageError(f"call {call.key} is not being recorded")
        self._finish(call.audio, ports)
        call.update(recording="")
        return ports.retired[-1].path

    @staticmethod
    def _finish(am: pj.AudioMedia | None, ports: CallPorts) -> None:
        tap, ports.tap = ports.tap, None
        if tap is None:
            return
        with contextlib.suppress(pj.Error):
            if am is not None:
                am.stopTransmit(tap.far)
            if ports.source is not None:
                ports.source.stopTransmit(tap.near)
        tap.close()
        ports.retired.append(tap)

    def loopback(self, call: PjCall) -> None:
        am = self._audio(call)
        am.startTransmit(am)

    def conference(self, calls: list[PjCall]) -> None:
        media = [self._audio(c) for c in calls]
        for a in media:
            for b in media:
                if a is not b:
                    a.startTransmit(b)

    def set_mute(self, call: PjCall, muted: bool) -> None:
        ports = self.ports.setdefault(call.key, CallPorts())
        ports.muted = muted
        if call.audio is not None and ports.source is not None:
            with contextlib.suppress(pj.Error):
                if muted:
                    ports.source.stopTransmit(call.audio)
                else:
                    ports.source.startTransmit(call.audio)
        if call.audio is not None and ports.source is not None and ports.tap is not None:
            with contextlib.suppress(pj.Error):  # the recording keeps what the call hears
                if muted:
                    ports.source.stopTransmit(ports.tap.near)
                else:
                    ports.source.startTransmit(ports.tap.near)
        call.update(muted=muted)

    def inband_dtmf(self, call: PjCall, digits: str) -> None:
        """DTMF as audio tones mixed into the call (works with any peer codec)."""
        ports = self.ports.setdefault(call.key, CallPorts())
        am = self._audio(call)
        if ports.tones is None:
            ports.tones = pj.ToneGenerator()
            ports.tones.createToneGenerator()
            ports.tones.startTransmit(am)
        vec = pj.ToneDigitVector()
        for ch in digits:
            d = pj.ToneDigit()
            d.digit, d.on_msec, d.off_msec, d.volume = ch, _TONE_ON_MS, _TONE_OFF_MS, _TONE_VOLUME
            vec.append(d)
        try:
            ports.tones.playDigits(vec)
        except pj.Error as err:
            raise convert(err, "playing DTMF tones") from None

    def release(self, key: str) -> None:
        """Drop every port of a call (finishes its recording)."""
        ports = self.ports.pop(key, None)
        if ports is not None:
            self._finish(None, ports)
        if not self.ports:
            self._close_device()

    def release_all(self) -> None:
        for ports in self.ports.values():
            self._finish(None, ports)
        self.ports.clear()
        self.stop_ringing()
        self._close_device()

    def _close_device(self) -> None:
        device, self.device = self.device, None
        if device is not None:
            device.close()
