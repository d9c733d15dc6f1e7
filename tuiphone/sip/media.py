"""Audio wiring on the conference bridge. Every method runs on the pjsip thread.

Modes: "null" wires each call to the null sound device; "files" plays
``play_file`` into every call; "device" wires calls to PortAudio (device.py).
With ``record_dir`` and ``record_calls = "all"`` every call of the user's is recorded
there; ``record``/``stop_recording`` do it on demand. Players and recording ports
are kept per call and dropped when the call is discarded.
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pjsua2 as pj

from tuiphone.model.call import CallState
from tuiphone.model.errors import NotFound, TuiphoneError, UsageError
from tuiphone.sip.errors import convert
from tuiphone.sip.recorder import CallTap
from tuiphone.sip.sound_desk import SoundDesk

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
    taps: list[CallTap] = field(default_factory=list)  # recordings under way
    # stopped; the bridge may still call (destroyed with the call's ports)
    retired: list[CallTap] = field(default_factory=list)
    tones: pj.ToneGenerator | None = None


class MediaManager:
    def __init__(self, core: Core) -> None:
        self.core = core
        self.media = core.stack.settings.media
        self.ports: dict[str, CallPorts] = {}
        self.sound = SoundDesk(self.media, core.notice)  # "device" mode
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
        if self.media.mode == "files" and not ports.wired and self.media.play_file:
            self.play(call, self.media.play_file)
        first = not ports.wired
        if not ports.muted:
            ports.source.startTransmit(am)
        for tap in ports.taps:
            am.startTransmit(tap.far)  # again after a re-INVITE gave new media
        am.startTransmit(sink)
        ports.wired = True
        if call.key in self.members:  # a re-INVITE (resume) gave it a new stream
            self._link(call, True)
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
            return self.sound.ports()
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
        for tap in self._near(ports) if not ports.muted else ():
            if ports.source is not None:
                with contextlib.suppress(pj.Error):
                    ports.source.stopTransmit(tap.near)
            player.startTransmit(tap.near)
        ports.player, ports.source = player, player
        if not ports.muted:
            player.startTransmit(am)

    def record(self, call: PjCall, path: str, stereo: bool = False,
               heard_only: bool = False) -> None:
        """Record the call into ``path``: what the far end sends and what the call hears
        from us (microphone, or the file played), mixed, or left and right with
        ``stereo``; ``heard_only``: only what the far end sends (a test's tone check, not
        shown as a recording). Raises UsageError (an unwritable file)."""
        ports = self.ports.setdefault(call.key, CallPorts())
        am = self._audio(call)
        if ports.source is None:
            ports.source = self._endpoints()[0]
        tap = CallTap(path, stereo, heard_only)
        try:
            am.startTransmit(tap.far)
            if not ports.muted and not heard_only:
                ports.source.startTransmit(tap.near)
        except pj.Error as err:
            tap.close()
            ports.retired.append(tap)
            raise convert(err, f"recording to {path}") from None
        ports.taps.append(tap)
        if not heard_only:
            call.update(recording=path)

    def stop_recording(self, call: PjCall) -> str:
        """Finish the call's recordings (not heard-only ones); returns the newest one's
        file. Raises UsageError if there is none."""
        ports = self.ports.get(call.key)
        mine = [t for t in ports.taps if not t.heard_only] if ports is not None else []
        if ports is None or not mine:
            raise UsageError(f"call {call.key} is not being recorded")
        for tap in mine:
            self._finish(call.audio, ports, tap)
        call.update(recording="")
        return mine[-1].path

    @staticmethod
    def _finish(am: pj.AudioMedia | None, ports: CallPorts, tap: CallTap) -> None:
        ports.taps.remove(tap)
        with contextlib.suppress(pj.Error):
            if am is not None:
                am.stopTransmit(tap.far)
            if ports.source is not None and not tap.heard_only:
                ports.source.stopTransmit(tap.near)
        tap.close()
        ports.retired.append(tap)

    def _near(self, ports: CallPorts) -> list[CallTap]:
        """The recordings that hold what the call hears from us."""
        return [t for t in ports.taps if not t.heard_only]

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
            # what the call hears from us, and what its recordings keep of us
            for sink in (call.audio, *(t.near for t in self._near(ports))):
                with contextlib.suppress(pj.Error):
                    if muted:
                        ports.source.stopTransmit(sink)
                    else:
                        ports.source.startTransmit(sink)
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
        """Drop every port of a call (finishes its recording), and its conference seat."""
        self._drop(key)
        ports = self.ports.pop(key, None)
        if ports is not None:
            self._discard(ports)
        if not self.ports:
            self.sound.close()  # the sound card is open only while calls exist

    def finish_recordings(self, key: str) -> None:
        """The call ``key`` is ending: finish its recordings now (WAV header written, file
        closed), before its end is reported, so that whoever sees it ended (``call
        --expect-tone``, a script) reads complete files. Its ports go later (release)."""
        ports = self.ports.get(key)
        if ports is not None:
            self._finish_all(ports)

    def _finish_all(self, ports: CallPorts) -> None:
        for tap in list(ports.taps):
            self._finish(None, ports, tap)

    def _discard(self, ports: CallPorts) -> None:
        """Finish a call's recordings and destroy their ports (see CallTap.destroy)."""
        self._finish_all(ports)
        for tap in ports.retired:
            tap.destroy()
        ports.retired.clear()

    def release_all(self) -> None:
        self.members.clear()
        for ports in self.ports.values():
            self._discard(ports)
        self.ports.clear()
        self.sound.stop_ringing()
        self.sound.close()
        self.sound.shutdown()  # the streams are closed before pjsua2 goes
