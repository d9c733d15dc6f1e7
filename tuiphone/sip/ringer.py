"""The ringtone: a WAV file played, looped, on the ring device while a call rings
(audio mode "device"). Its own PortAudio stream, apart from the call's streams.
Start and stop on the sound thread (sound_worker.py); the callbacks run on PortAudio's
thread. A stream that ends by itself (its device went away) calls ``lost``."""

from __future__ import annotations

import wave
from collections.abc import Callable
from types import ModuleType
from typing import Any

from tuiphone.model.errors import NetworkError, UsageError


def read_wav(path: str) -> tuple[bytes, int, int]:
    """(16-bit PCM, rate, channels) of the WAV at ``path``. Raises UsageError."""
    try:
        with wave.open(path, "rb") as wav:
            if wav.getsampwidth() != 2:
                raise UsageError(f"ringtone {path}: 16-bit PCM WAV needed")
            return wav.readframes(wav.getnframes()), wav.getframerate(), wav.getnchannels()
    except (OSError, EOFError, wave.Error) as err:
        raise UsageError(f"ringtone {path}: {err}") from None


class Ringer:
    def __init__(self, sd: ModuleType, path: str, device: int | None,
                 lost: Callable[[], None] = lambda: None) -> None:
        pcm, rate, channels = read_wav(path)
        if not pcm:
            raise UsageError(f"ringtone {path}: no audio in it")
        self._pcm, self._pos = pcm, 0
        self._stopping, self._lost = False, lost
        try:
            self._stream: Any = sd.RawOutputStream(
                samplerate=rate, channels=channels, dtype="int16", device=device,
                callback=self._play, finished_callback=self._ended)
            self._stream.start()
        except Exception as err:  # PortAudioError
            raise NetworkError(f"cannot play the ringtone: {err}") from None

    def _play(self, outdata: Any, frames: int, time: Any, status: Any) -> None:
        want, out = len(outdata), bytearray()
        while len(out) < want:  # loop the file
            chunk = self._pcm[self._pos : self._pos + want - len(out)]
            out += chunk
            self._pos = (self._pos + len(chunk)) % len(self._pcm)
        outdata[:] = bytes(out)

    def _ended(self) -> None:
        if not self._stopping:
            self._lost()

    @property
    def playing(self) -> bool:
        return self._stream is not None

    def stop(self) -> None:
        self._stopping = True
        stream, self._stream = self._stream, None
        if stream is None:
            return
        try:
            stream.stop()
            stream.close()
        except Exception:  # a vanished device: nothing left to stop
            pass
