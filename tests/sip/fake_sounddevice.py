"""A stand-in for the ``sounddevice`` module: paced raw streams whose microphone
plays a tone and whose speaker output is collected (no sound card needed)."""

from __future__ import annotations

import math
import struct
import threading
import time
import types
from collections.abc import Callable
from typing import Any

DEVICES = [
    {"name": "default", "hostapi": 0, "max_input_channels": 32, "max_output_channels": 32},
    {"name": "Fake Headset", "hostapi": 0, "max_input_channels": 1, "max_output_channels": 2},
]


_made = threading.Condition()


def wait_streams(count: int, timeout_s: float = 30.0) -> list[_Stream]:
    """Every stream made so far, once there are at least ``count`` (any thread)."""
    with _made:
        if not _made.wait_for(lambda: len(_Stream.instances) >= count, timeout_s):
            raise TimeoutError(f"{len(_Stream.instances)} streams, not {count}")
        return list(_Stream.instances)


class _Stream:
    instances: list[_Stream] = []
    tone_hz = 440.0

    def __init__(self, samplerate: int, callback: Callable[..., None], blocksize: int = 320,
                 device: int | None = None, finished_callback: Callable[[], None] | None = None,
                 **_: Any) -> None:
        self.rate, self.block, self.callback, self.device = samplerate, blocksize, callback, device
        self.finished = finished_callback
        self.opened_on = threading.current_thread().name
        self.played: list[bytes] = []
        self.enough = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="fake-portaudio", daemon=True)
        with _made:
            _Stream.instances.append(self)
            _made.notify_all()

    def _mic(self, start: int) -> bytes:
        w = 2 * math.pi * self.tone_hz / self.rate
        return b"".join(
            struct.pack("<h", int(10000 * math.sin(w * (start + i)))) for i in range(self.block)
        )

    def _run(self) -> None:
        n, period, t = 0, self.block / self.rate, time.monotonic()
        while not self._stop.is_set():
            self.tick(n)
            n += self.block
            t += period  # a sound card's pace, not test synchronisation
            self._stop.wait(max(0.0, t - time.monotonic()))

    def tick(self, n: int) -> None:
        raise NotImplementedError

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(5)
        if self.finished is not None:  # PortAudio calls it on stop too
            self.finished()

    def vanish(self) -> None:
        """Its device went away: the stream ends by itself, as PortAudio's does."""
        self._stop.set()
        if self.finished is not None:
            self.finished()

    def close(self) -> None:
        self._stop.set()


class RawInputStream(_Stream):
    def tick(self, n: int) -> None:
        self.callback(self._mic(n), self.block, None, None)


class RawOutputStream(_Stream):
    def tick(self, n: int) -> None:
        out = bytearray(self.block * 2)
        self.callback(out, self.block, None, None)
        self.played.append(bytes(out))
        if sum(1 for f in self.played if any(f)) >= 100:
            self.enough.set()


def query_devices(device: Any = None, kind: str | None = None) -> Any:
    if kind is not None:
        return {**DEVICES[0], "index": 0}
    return [dict(d, index=i) for i, d in enumerate(DEVICES)]


def module() -> types.ModuleType:
    mod = types.ModuleType("sounddevice")
    mod.RawInputStream = RawInputStream  # type: ignore[attr-defined]
    mod.RawOutputStream = RawOutputStream  # type: ignore[attr-defined]
    mod.query_devices = query_devices  # type: ignore[attr-defined]
    mod.query_hostapis = lambda: [{"name": "Fake"}]  # type: ignore[attr-defined]
    _Stream.instances = []
    return mod
