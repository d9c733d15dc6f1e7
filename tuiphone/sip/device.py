"""Audio mode "device": the conference bridge talks to PortAudio (``sounddevice``, the
optional ``audio`` extra) through two AudioMediaPorts.

The wheel has no sound devices of its own; the bridge runs on the null device's
clock, and a FrameRing per direction absorbs the drift between it and the sound
card. The microphone and the speaker are two PortAudio streams, so each can be a
different device and each can vanish alone. Port callbacks run on pjmedia's
"clock" thread, the PortAudio callbacks on PortAudio's threads; neither calls
pjsua2. A stream that ends by itself (its device went away) calls ``lost`` on
PortAudio's thread. The ports are made and dropped on the pjsip thread; the streams
open and close on the sound thread (sound_worker.py), never on the pjsip thread.
"""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType
from typing import Any

import pjsua2 as pj

from tuiphone.model.errors import NetworkError, UsageError
from tuiphone.sip.frame_ring import FrameRing
from tuiphone.sip.sound import load_sounddevice, no_device_hint

__all__ = ["DeviceBridge", "load_sounddevice"]

RATE = 16000
FRAME_MS = 20
SAMPLES = RATE * FRAME_MS // 1000
FRAME_BYTES = SAMPLES * 2  # mono, 16-bit


def _format() -> pj.MediaFormatAudio:
    fmt = pj.MediaFormatAudio()
    fmt.init(pj.PJMEDIA_FORMAT_PCM, RATE, 1, FRAME_MS * 1000, 16)
    return fmt


class MicPort(pj.AudioMediaPort):  # type: ignore[misc]
    """What calls hear: frames captured by the sound card."""

    def __init__(self, ring: FrameRing) -> None:
        super().__init__()
        self.ring = ring

    def onFrameRequested(self, frame: pj.MediaFrame) -> None:
        frame.type = pj.PJMEDIA_FRAME_TYPE_AUDIO
        frame.buf = pj.ByteVector(self.ring.pop())


class SpeakerPort(pj.AudioMediaPort):  # type: ignore[misc]
    """What the user hears: the mix of every call wired to it."""

    def __init__(self, ring: FrameRing) -> None:
        super().__init__()
        self.ring = ring

    def onFrameReceived(self, frame: pj.MediaFrame) -> None:
        if frame.type == pj.PJMEDIA_FRAME_TYPE_AUDIO:
            self.ring.push(bytes(frame.buf))


class DeviceBridge:
    """Owns the two ports and the two PortAudio streams. Create and ``close`` on the
    pjsip thread (no stream opens then); ``open``/``close_streams`` on the sound thread.
    ``lost(kind, generation)`` names the stream that ended and which ``open`` made it."""

    def __init__(self, sd: ModuleType, lost: Callable[[str, int], None]) -> None:
        self.sd, self.lost = sd, lost
        self.mic_ring, self.speaker_ring = FrameRing(FRAME_BYTES), FrameRing(FRAME_BYTES)
        mic, speaker = MicPort(self.mic_ring), SpeakerPort(self.speaker_ring)
        mic.createPort("tuiphone-mic", _format())
        speaker.createPort("tuiphone-speaker", _format())
        # Ports must die before libDestroy: close() drops them even if a stream
        # (which holds our callback) lives on.
        self._ports: tuple[MicPort, SpeakerPort] | None = (mic, speaker)
        self.streams: list[Any] = []
        self._closing = False
        self.generation = 0

    @property
    def closed(self) -> bool:
        return self._ports is None

    def open(self, input: int | None, output: int | None) -> None:
        """Open and start both streams (``input``/``output``: PortAudio indexes, None:
        the default). Raises NetworkError (no device, busy device)."""
        self._closing = False
        self.generation += 1
        gen = self.generation
        common = {"samplerate": RATE, "blocksize": SAMPLES, "channels": 1, "dtype": "int16",
                  "latency": "low"}
        try:
            self.streams.append(self.sd.RawInputStream(
                device=input, callback=self._captured,
                finished_callback=lambda: self._ended("input", gen), **common))
            self.streams.append(self.sd.RawOutputStream(
                device=output, callback=self._play,
                finished_callback=lambda: self._ended("output", gen), **common))
            for stream in self.streams:
                stream.start()
        except Exception as err:  # PortAudioError, ValueError
            self.close_streams()
            raise NetworkError(f"cannot open the sound device: {err}; {no_device_hint()}"
                               ) from None

    def _captured(self, indata: Any, frames: int, time: Any, status: Any) -> None:
        self.mic_ring.push(bytes(indata))

    def _play(self, outdata: Any, frames: int, time: Any, status: Any) -> None:
        outdata[:] = self.speaker_ring.pop()[: len(outdata)]

    def _ended(self, kind: str, gen: int) -> None:
        if not self._closing and gen == self.generation:
            self.lost(kind, gen)

    def ports(self) -> tuple[MicPort, SpeakerPort]:
        """(microphone source, speaker sink) on the conference bridge."""
        if self._ports is None:
            raise UsageError("the sound device is closed")
        return self._ports

    def close_streams(self) -> None:
        self._closing = True
        streams, self.streams = self.streams, []
        for stream in streams:
            try:
                stream.stop()
                stream.close()
            except Exception:  # closing a dead stream is not worth an error
                pass

    def close(self) -> None:
        """Drop the ports (pjsip thread); the streams are closed on the sound thread."""
        self._ports = None
