"""A call recording: two bridge sinks (the far end, and what the call hears from us)
written to one WAV file, mixed to mono or as two channels (left: far end, right: us).

pjsua2's own recorder takes one mono mix and finishes its WAV header only when
destroyed; this one writes the header when stopped. ``onFrameReceived`` runs on
pjmedia's clock thread; ``close`` on the pjsip thread; a lock keeps them apart.
"""

from __future__ import annotations

import array
import itertools
import os
import sys
import threading
import wave
import weakref
from collections import deque

import pjsua2 as pj

from tuiphone.model.errors import UsageError

RATE, FRAME_MS = 16000, 20  # the conference bridge's clock (pjsua's default)
SAMPLES = RATE * FRAME_MS // 1000
_FRAME_BYTES = SAMPLES * 2
_SILENCE = bytes(_FRAME_BYTES)
_LAG = 25  # frames (0.5 s) one side may run ahead before the other counts as silent
_names = itertools.count(1)


def _format() -> pj.MediaFormatAudio:
    fmt = pj.MediaFormatAudio()
    fmt.init(pj.PJMEDIA_FORMAT_PCM, RATE, 1, FRAME_MS * 1000, 16)
    return fmt


class TapPort(pj.AudioMediaPort):  # type: ignore[misc]
    """One side of a recording, a sink on the bridge. It holds its recording weakly: a
    cycle would leave the port to the garbage collector, which may run on the clock
    thread inside a callback and free the port under the bridge."""

    def __init__(self, tap: CallTap, side: int) -> None:
        super().__init__()
        self.tap, self.side = weakref.ref(tap), side

    def onFrameReceived(self, frame: pj.MediaFrame) -> None:
        tap = self.tap()
        if tap is not None:
            audio = frame.type == pj.PJMEDIA_FRAME_TYPE_AUDIO
            tap.frame(self.side, bytes(frame.buf) if audio else _SILENCE)


class CallTap:
    """Create on the pjsip thread; ``far`` and ``near`` are the ports to transmit to
    (``heard_only``: ``far`` alone, the other side is silence)."""

    def __init__(self, path: str, stereo: bool, heard_only: bool = False) -> None:
        self.path, self.stereo, self.heard_only = path, stereo, heard_only
        self._lock = threading.Lock()
        self._sides: tuple[deque[bytes], deque[bytes]] = (deque(), deque())
        try:  # a call is personal data: only the user reads it
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            os.fchmod(fd, 0o600)
        except OSError as err:
            raise UsageError(f"cannot record to {path}: {err.strerror}") from None
        self._file = os.fdopen(fd, "wb")
        self._wav: wave.Wave_write | None = wave.open(self._file, "wb")  # noqa: SIM115 - lives until close()
        self._wav.setnchannels(2 if stereo else 1)
        self._wav.setsampwidth(2)
        self._wav.setframerate(RATE)
        n = next(_names)
        self.far, self.near = TapPort(self, 0), TapPort(self, 1)
        self.far.createPort(f"rec{n}-far", _format())
        self.near.createPort(f"rec{n}-near", _format())

    def frame(self, side: int, data: bytes) -> None:
        """A frame from the bridge (clock thread)."""
        if self.heard_only and side == 1:
            return  # the bridge ticks the unwired side too (empty frames): not a frame of ours
        if len(data) != _FRAME_BYTES:
            data = data[:_FRAME_BYTES].ljust(_FRAME_BYTES, b"\0")
        with self._lock:
            if self._wav is None:
                return
            mine, other = self._sides[side], self._sides[1 - side]
            mine.append(data)
            if (self.heard_only or len(mine) > _LAG) and not other:
                other.append(_SILENCE)  # nothing wired there, or it stopped sending frames
            while mine and other:
                self._write(self._wav, self._sides[0].popleft(), self._sides[1].popleft())

    def _write(self, wav: wave.Wave_write, far: bytes, near: bytes) -> None:
        a, b = array.array("h", far), array.array("h", near)
        if sys.byteorder != "little":
            a.byteswap()
            b.byteswap()
        if self.stereo:
            out = array.array("h", bytes(2 * _FRAME_BYTES))
            out[0::2], out[1::2] = a, b
        else:
            out = array.array("h", (max(-32768, min(32767, x + y)) for x, y in zip(a, b,
                                                                                 strict=True)))
        if sys.byteorder != "little":
            out.byteswap()
        wav.writeframesraw(out.tobytes())

    def close(self) -> None:
        """Finish the WAV file (pjsip thread). The ports stay with their owner until the
        call's ports go: the bridge may still hand them a frame."""
        with self._lock:
            wav, self._wav = self._wav, None
            if wav is None:
                return
            far, near = self._sides
            while far or near:  # what one side sent last, against silence
                self._write(wav, far.popleft() if far else _SILENCE,
                            near.popleft() if near else _SILENCE)
            wav.close()  # patches the header; the file is ours to close
            self._file.close()

    def destroy(self) -> None:
        """Take both ports off the bridge (pjsip thread, after ``close``, when their call's
        ports go) while their Python objects are still whole. Left to the last reference,
        the C++ port went only once Python had begun tearing the object down; the clock
        thread, let in while the port left the bridge, then called ``onFrameReceived`` on
        the half-freed object, and the AttributeError it raised kept a pointer to it that
        crashed a later garbage collection."""
        for port in (self.far, self.near):
            if port.thisown:
                pj.AudioMediaPort.__swig_destroy__(port)  # disowns: no second delete
