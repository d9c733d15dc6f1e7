"""Audio wiring on the conference bridge. Every method runs on the pjsip thread.

Modes: "null" wires each call to the null sound device; "files" plays
``play_file`` into every call and records each call (both directions mixed)
into ``record_dir``. Players/recorders are kept per call and dropped when the
call is discarded (a recorder's WAV header is only final once destroyed).
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pjsua2 as pj

from tuiphone.model.call import CallState
from tuiphone.model.errors import NotFound, UsageError
from tuiphone.sip.device import DeviceBridge, load_sounddevice
from tuiphone.sip.errors import convert

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
    recorders: list[pj.AudioMediaRecorder] = field(default_factory=list)
    heard: list[pj.AudioMediaRecorder] = field(default_factory=list)  # without our audio
    tones: pj.ToneGenerator | None = None


class MediaManager:
    def __init__(self, core: Core) -> None:
        self.core = core
        self.media = core.stack.settings.media
        self.ports: dict[str, CallPorts] = {}
        self.device: DeviceBridge | None = None  # "device" mode, open while calls exist
        self.members: dict[str, PjCall] = {}  # the local conference: each hears the others

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
        if self.media.mode == "files" and not ports.wired:
            if self.media.play_file:
                self.play(call, self.media.play_file)
            if self.media.record_dir and not self._internal(call):
                name = f"{int(call.info.started)}-{call.key}.wav"
                self.record(call, os.path.join(self.media.record_dir, name))
        if not ports.muted:
            ports.source.startTransmit(am)
        am.startTransmit(sink)
        ports.wired = True
        if call.key in self.members:  # a re-INVITE (resume) gave it a new stream
            self._link(call, True)

    def _internal(self, call: PjCall) -> bool:
        """A leg of the engine's own line (the echo line's side of a test call)."""
        acc = self.core.accounts.get(call.info.account_id)
        return acc is not None and acc.config.internal

    def _endpoints(self) -> tuple[pj.AudioMedia, pj.AudioMedia]:
        """(what calls hear by default, where their audio goes) for the mode."""
        if self.media.mode == "device":
            if self.device is None:
                self.device = DeviceBridge(load_sounddevice())
            return self.device.ports()
        dev = self.core.stack.ep.audDevManager()
        return dev.getCaptureDevMedia(), dev.getPlaybackDevMedia()

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
        ports.player, ports.source = player, player
        for rec in ports.recorders:
            player.startTransmit(rec)
        if not ports.muted:
            player.startTransmit(am)

    def record(self, call: PjCall, path: str, heard_only: bool = False) -> None:
        """Record the call (what it hears from us plus what it sends) into ``path``;
        ``heard_only``: only what it sends us, never a file played into it."""
        ports = self.ports.setdefault(call.key, CallPorts())
        am = self._audio(call)
        rec = pj.AudioMediaRecorder()
        try:
            rec.createRecorder(path)
        except pj.Error as err:
            raise convert(err, f"recording to {path}") from None
        with contextlib.suppress(OSError):  # a call is personal data: only the user reads it
            os.chmod(path, 0o600)
        (ports.heard if heard_only else ports.recorders).append(rec)
        am.startTransmit(rec)
        if ports.player is not None and not heard_only:
            ports.player.startTransmit(rec)

    def loopback(self, call: PjCall) -> None:
        am = self._audio(call)
        am.startTransmit(am)

    def conference(self, calls: list[PjCall]) -> None:
        """Add ``calls`` to the local conference (made with them if there is none): each
        member hears every other. Raises UsageError for a call without audio, or when
        fewer than two calls would be in it."""
        joining = [c for c in calls if c.key not in self.members]
        if len(self.members) + len(joining) < 2:
            raise UsageError("a conference needs at least two calls")
        for call in joining:
            self._audio(call)
        for call in joining:
            self.members[call.key] = call
            self._link(call, True)
        for call in self.members.values():
            if not call.info.conference:
                call.update(conference=True)

    def leave(self, calls: list[PjCall]) -> None:
        """Take ``calls`` out of the conference (their audio no longer reaches the other
        members). A conference left with one call is over. Raises UsageError for a
        call that is not in it."""
        for call in calls:
            if call.key not in self.members:
                raise UsageError(f"call {call.key} is not in the conference")
        for call in calls:
            self._link(call, False)
            self._drop(call.key)

    def _drop(self, key: str) -> None:
        """``key`` is out; a single remaining member is an ordinary call again."""
        gone = self.members.pop(key, None)
        if gone is not None and gone.info.state is not CallState.ENDED:
            gone.update(conference=False)
        if len(self.members) == 1:
            (last,) = self.members.values()
            self.members.clear()
            self._link(last, False)
            if last.info.state is not CallState.ENDED:
                last.update(conference=False)

    def _link(self, call: PjCall, on: bool) -> None:
        """Start (or stop) the audio between ``call`` and every other member, both ways."""
        mine = call.audio
        if mine is None:
            return
        for other in self.members.values():
            theirs = other.audio
            if other is call or theirs is None:
                continue
            with contextlib.suppress(pj.Error):  # a port pjsua already removed
                if on:
                    mine.startTransmit(theirs)
                    theirs.startTransmit(mine)
                else:
                    mine.stopTransmit(theirs)
                    theirs.stopTransmit(mine)

    def set_mute(self, call: PjCall, muted: bool) -> None:
        ports = self.ports.setdefault(call.key, CallPorts())
        ports.muted = muted
        if call.audio is not None and ports.source is not None:
            with contextlib.suppress(pj.Error):
                if muted:
                    ports.source.stopTransmit(call.audio)
                else:
                    ports.source.startTransmit(call.audio)
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
        """Drop every port of a call (finalises recordings), and its conference seat."""
        self._drop(key)
        self.ports.pop(key, None)
        if not self.ports:
            self._close_device()

    def release_all(self) -> None:
        self.members.clear()
        self.ports.clear()
        self._close_device()

    def _close_device(self) -> None:
        device, self.device = self.device, None
        if device is not None:
            device.close()
