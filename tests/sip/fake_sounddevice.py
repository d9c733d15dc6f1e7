"""A stand-in for the ``sounddevice`` module: a paced RawStream whose microphone
plays a tone and whose speaker output is collected (no sound card needed)."""

from __future__ import annotations

import math
import struct
import threading
import time
import types
from collections.abc import Callable
from typing import Any


class RawStream:
    instances: list[RawStream] = []
    tone_hz = 440.0

    def __init__(
        self, samplerate: int, blocksize: int, callback: Callable[..., None], **_: Any
    ) -> None:
        self.rate, self.block, self.callback = samplerate, blocksize, callback
        self.played: list[bytes] = []
        self.enough = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="fake-portaudio", daemon=True)
        RawStream.instances.append(self)

    def _mic(self, start: int) -> bytes:
        w = 2 * math.pi * self.tone_hz / self.rate
        return b"".join(
            struct.pack("<h", int(10000 * math.sin(w * (start + i)))) for i in range(self.block)
        )

    def _run(self) -> None:
        n, period, t = 0, self.block / self.rate, time.monotonic()
        while not self._stop.is_set():
            out = bytearray(self.block * 2)
            self.callback(self._mic(n), out, self.block, None, None)
            self.played.append(bytes(out))
            if sum(1 for f in self.played if any(f)) >= 100:
                self.enough.set()
            n += self.block
            t += period  # a sound card's pace, not test synchronisation
            self._stop.wait(max(0.0, t - time.monotonic()))

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(5)

    def close(self) -> None:
        self._stop.set()


def module() -> types.ModuleType:
    mod = types.ModuleType("sounddevice")
    mod.RawStream = RawStream  # type: ignore[attr-defined]
    RawStream.instances = []
    return mod
