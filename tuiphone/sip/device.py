"""Audio mode "device": the conference bridge talks to a PortAudio stream
(``sounddevice``, the optional ``audio`` extra) through two AudioMediaPorts.

The wheel has no sound devices of its own; the bridge runs on the null
device's clock, and a FrameRing per direction absorbs the drift between it and
the sound card. Port callbacks run on pjmedia's "clock" thread, the PortAudio
callback on its own thread; neither calls pjsua2.
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any

import pjsua2 as pj

from tuiphone.model.errors import NetworkError, UsageError
from tuiphone.sip.frame_ring import FrameRing

RATE = 16000
FRAME_MS = 20
SAMPLES = RATE * FRAME_MS // 1000
FRAME_BYTES = SAMPLES * 2  # mono, 16-bit


def load_sounddevice() -> ModuleType:
    """Import sounddevice or raise UsageError naming the extra to install."""
    try:
        return importlib.import_module("sounddevice")
    except (ImportError, OSError) as err:  # OSError: libportaudio2 missing
        raise UsageError(
            "audio mode 'device' needs the audio extra: pip install 'tuiphone[audio]' "
            f"(and libportaudio2): {err}"
        ) from None


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
    """Owns the two ports and the PortAudio stream. Create and close on the pjsip thread."""

    def __init__(self, sd: ModuleType) -> None:
        self.mic_ring, self.speaker_ring = FrameRing(FRAME_BYTES), FrameRing(FRAME_BYTES)
        mic, speaker = MicPort(self.mic_ring), SpeakerPort(self.speaker_ring)
        mic.createPort("tuiphone-mic", _format())
        speaker.createPort("tuiphone-speaker", _format())
        # Ports must die before libDestroy: close() drops them even if the
        # stream (which holds our callback) lives on.
        self._ports: tuple[MicPort, SpeakerPort] | None = (mic, speaker)
        try:
            self.stream: Any = sd.RawStream(
                samplerate=RATE,
                blocksize=SAMPLES,
                channels=1,
                dtype="int16",
                latency="low",
                callback=self._callback,
            )
            self.stream.start()
        except Exception as err:  # PortAudioError: no device, busy device
            self._ports = None
            raise NetworkError(f"cannot open the sound device: {err}") from None

    def _callback(self, indata: Any, outdata: Any, frames: int, time: Any, status: Any) -> None:
        self.mic_ring.push(bytes(indata))
        outdata[:] = self.speaker_ring.pop()[: len(outdata)]

    def ports(self) -> tuple[MicPort, SpeakerPort]:
        """(microphone source, speaker sink) on the conference bridge."""
        if self._ports is None:
            raise UsageError("the sound device is closed")
        return self._ports

    def close(self) -> None:
        self._ports = None
        stream, self.stream = self.stream, None
        try:
            stream.stop()
            stream.close()
        except Exception:  # closing a dead stream is not worth an error
            pass
