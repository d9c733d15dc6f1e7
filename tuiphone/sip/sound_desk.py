"""The sound side of audio mode "device": which PortAudio devices the calls use, the
streams to them (open while calls exist), a device that goes away, and the ringtone.

Threads: ``ports``, ``close``, ``ringing``, ``stop_ringing`` and ``shutdown`` run on
the pjsip thread and only hand work to the sound thread (sound_worker.py), where every
PortAudio call runs; so do the methods named ``_w_*``. ``devices`` and ``use`` may be
called from any thread and return a Future. The device list is read again (PortAudio
restarted) at start, on ``devices`` and ``use``, and after a device vanished, each
time only while none of our streams is open; calls open their streams with the list
as last read.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

from tuiphone.model.audio import AudioDevice, choose
from tuiphone.model.backend import MediaSettings
from tuiphone.model.errors import NotFound, TuiphoneError
from tuiphone.sip import sound
from tuiphone.sip.device import DeviceBridge, MicPort, SpeakerPort
from tuiphone.sip.ringer import Ringer
from tuiphone.sip.sound_worker import SoundWorker

log = logging.getLogger(__name__)


class SoundDesk:
    """``notice(level, text)`` tells the user (any thread)."""

    def __init__(self, media: MediaSettings, notice: Callable[[str, str], None]) -> None:
        self.media, self.notice = media, notice
        self.worker = SoundWorker()
        self.bridge: DeviceBridge | None = None  # pjsip thread; the rest: sound thread
        self._live: DeviceBridge | None = None  # the bridge whose streams are open
        self.ringer: Ringer | None = None
        self._ring_wanted, self._ring_gen = False, 0
        self.found: list[AudioDevice] | None = None  # the list as last read
        self.chosen: dict[str, str] = {}  # "input"/"output"/"ring" -> the device's name
        if media.mode == "device":
            self.worker.submit(self._w_start)

    # pjsip thread

    def ports(self) -> tuple[MicPort, SpeakerPort]:
        """The microphone and speaker ports; their streams open on the sound thread
        (a failure is told in a notice). Raises UsageError (no sounddevice)."""
        if self.bridge is None:
            self.bridge = DeviceBridge(sound.load_sounddevice(), self._lost_soon)
        bridge = self.bridge  # opened once; again if it failed for the last call
        self.worker.submit(lambda: self._w_open(bridge))
        return bridge.ports()

    def close(self) -> None:
        """Close the streams (the last call ended). The ports stay for the next call:
        dropped while the conference clock runs, a port raced its own callback (a
        TypeError in onFrameReceived, then a crash); ``shutdown`` drops them."""
        bridge = self.bridge
        if bridge is not None:
            self.worker.submit(lambda: self._w_close(bridge))

    def ringing(self, on: bool) -> None:
        """Play the ringtone (device mode, ``ringtone`` set) while a call rings."""
        if on and (self.media.mode != "device" or not self.media.ringtone):
            return
        self.worker.submit(lambda: self._w_ring(on))

    def stop_ringing(self) -> None:
        self.ringing(False)

    def shutdown(self) -> None:
        """After ``close``/``stop_ringing``: wait for the streams to close."""
        self.worker.stop()

    def drop_ports(self) -> None:
        """Once the conference clock has stopped, before libDestroy."""
        bridge, self.bridge = self.bridge, None
        if bridge is not None:
            bridge.close()

    # any thread

    def devices(self) -> Future[list[AudioDevice]]:
        """PortAudio's devices, read again when no stream of ours is open."""
        return self.worker.submit(self._w_devices)

    def use(self, role: str, wanted: str | None) -> Future[str]:
        """Use ``wanted`` (a name, part of one, or an index; None: the default) for
        ``role`` from now on; open streams move to it at once. The future gives the
        device's name, or raises NotFound (listing the devices), UsageError,
        NetworkError."""
        return self.worker.submit(lambda: self._w_use(role, wanted))

    # the sound thread

    def _w_start(self) -> None:
        try:
            self._w_restart()
        except TuiphoneError as err:
            log.warning("reading the sound devices: %s", err)

    def _w_restart(self) -> list[AudioDevice]:
        """Restart PortAudio (it reads the list only then) if nothing of ours is open."""
        sd = sound.load_sounddevice()
        if self._live is None and self.ringer is None:
            sound.refresh(sd)
        self.found = sound.devices(sd)
        return self.found

    def _w_found(self) -> list[AudioDevice]:
        return self.found if self.found is not None else self._w_restart()

    def _w_devices(self) -> list[AudioDevice]:
        return self._w_restart()

    def _w_open(self, bridge: DeviceBridge) -> None:
        if bridge.closed or bridge is self._live:
            return
        try:
            found = self._w_found()
            bridge.open(self._pick(found, "input"), self._pick(found, "output"))
        except TuiphoneError as err:
            self.notice("error", f"calls have no sound: {err}")
            return
        self._live = bridge

    def _w_close(self, bridge: DeviceBridge) -> None:
        bridge.close_streams()
        if self._live is bridge:
            self._live = None

    def _w_ring(self, on: bool) -> None:
        self._ring_wanted = on
        if not on:
            self._w_stop_ringer()
        elif self.ringer is None:
            self._w_start_ringer(self._pick(self._w_found(), "ring"))

    def _w_start_ringer(self, index: int | None, strict: bool = False) -> None:
        """Raises TuiphoneError only if ``strict``; otherwise a notice tells it."""
        self._ring_gen += 1
        gen = self._ring_gen
        try:
            self.ringer = Ringer(sound.load_sounddevice(), self.media.ringtone or "", index,
                                 lambda: self._lost_soon("ring", gen))
        except TuiphoneError as err:
            if strict:
                raise
            self.notice("warning", f"no ringtone: {err}")

    def _w_stop_ringer(self) -> None:
        ringer, self.ringer = self.ringer, None
        if ringer is not None:
            ringer.stop()

    def _lost_soon(self, kind: str, gen: int) -> None:
        """A stream ended by itself: its device went away (PortAudio's thread)."""
        self.worker.submit(lambda: self._w_lost(kind, gen))

    def _w_lost(self, kind: str, gen: int) -> None:
        """Close everything, restart PortAudio (after a device vanished it opens nothing
        until restarted), reopen: the lost one on the default device, the others as
        chosen. The calls stay wired to the same ports."""
        bridge = self._live
        stale = (self.ringer is None or gen != self._ring_gen) if kind == "ring" else (
            bridge is None or gen != bridge.generation)
        if stale:
            return
        gone = self.chosen.get(kind, "?")
        self._w_stop_ringer()
        if bridge is not None:
            self._w_close(bridge)
        try:
            found = self._w_restart()
            if bridge is not None and not bridge.closed:
                bridge.open(*(self._default_index(found, k) if k == kind
                              else self._pick(found, k, quiet=True)
                              for k in ("input", "output")))
                self._live = bridge
            if self._ring_wanted:
                self._w_start_ringer(self._default_index(found, "output", "ring")
                                     if kind == "ring" else self._pick(found, "ring", True),
                                     strict=kind == "ring")
        except TuiphoneError as err:
            self.notice("error", f"the sound {kind} device {gone} went away, and the "
                                 f"default did not open: {err}")
            return
        if kind == "ring" and not self._ring_wanted:  # the call was answered meanwhile
            self.notice("warning", f"the sound ring device {gone} went away")
            return
        what = "the ringtone" if kind == "ring" else "the call"
        self.notice("warning", f"the sound {kind} device {gone} went away; {what} "
                               f"goes on with the default ({self.chosen[kind]})")

    def _w_use(self, role: str, wanted: str | None) -> str:
        bridge = self._live if role != "ring" else None
        ringer_moves = self.ringer is not None and (
            role == "ring" or (role == "output" and not self.media.ring))
        if bridge is not None:  # closed first: PortAudio restarts only with nothing open
            self._w_close(bridge)
        if ringer_moves:
            self._w_stop_ringer()
        try:
            found = self._w_restart()
            index = choose(found, wanted, _direction(role))
            changes: dict[str, Any] = {role: wanted}
            self.media = dataclasses.replace(self.media, **changes)
        finally:  # moved, or back where they were when ``wanted`` is not there
            self._w_reopen(bridge, ringer_moves)
        if index is None:
            index = self._default_index(found, _direction(role), role)
        return _name(found, index)

    def _w_reopen(self, bridge: DeviceBridge | None, ringer: bool) -> None:
        found = self._w_found()
        if ringer and self._ring_wanted:
            self._w_start_ringer(self._pick(found, "ring", quiet=True))
        if bridge is not None and not bridge.closed:
            bridge.open(self._pick(found, "input", quiet=True),
                        self._pick(found, "output", quiet=True))
            self._live = bridge

    def _pick(self, found: list[AudioDevice], kind: str, quiet: bool = False) -> int | None:
        """The configured device for ``kind`` ("input", "output", "ring"), or None (the
        default, said in a notice when the configured one is not there)."""
        wanted = {"input": self.media.input, "output": self.media.output,
                  "ring": self.media.ring or self.media.output}[kind]
        role = _direction(kind)
        try:
            index = choose(found, wanted, role)
        except NotFound as err:
            if not quiet:
                self.notice("warning", f"[audio] {kind}: {err}; using the default device")
            index = None
        if index is None:
            return self._default_index(found, role, kind)
        self.chosen[kind] = _name(found, index)
        return index

    def _default_index(self, found: list[AudioDevice], role: str,
                       kind: str | None = None) -> int | None:
        """PortAudio's default device for ``role``, remembered as ``kind``'s choice."""
        index = next((d.index for d in found
                      if (d.default_input if role == "input" else d.default_output)), None)
        self.chosen[kind or role] = _name(found, index)
        return index


def _direction(kind: str) -> str:
    """"input" or "output": the ring device is an output."""
    return "output" if kind == "ring" else kind


def _name(found: list[AudioDevice], index: int | None) -> str:
    return next((d.name for d in found if d.index == index), "default")
