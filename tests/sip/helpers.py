"""Event collection and WAV helpers for the pjsua2 backend tests."""

from __future__ import annotations

import asyncio
import math
import struct
import wave
from collections.abc import Callable
from typing import Any

from tuiphone.model.call import CallState
from tuiphone.model.events import CallChanged, Event

Pred = Callable[[Any], bool]
WAIT_S = 20.0


class Events:
    """Collects emitted events; ``wait`` blocks until one matches (with a timeout)."""

    def __init__(self) -> None:
        self.items: list[Event] = []
        self._waiters: list[tuple[Pred, asyncio.Future[Event]]] = []

    def __call__(self, event: Event) -> None:
        self.items.append(event)
        for pred, fut in list(self._waiters):
            if not fut.done() and pred(event):
                fut.set_result(event)

    async def wait(self, pred: Pred, timeout: float = WAIT_S, since: int = 0) -> Any:  # noqa: ASYNC109
        for ev in self.items[since:]:
            if pred(ev):
                return ev
        fut: asyncio.Future[Event] = asyncio.get_running_loop().create_future()
        entry = (pred, fut)
        self._waiters.append(entry)
        try:
            return await asyncio.wait_for(fut, timeout)
        finally:
            self._waiters.remove(entry)

    def of(self, kind: type) -> list[Any]:
        return [e for e in self.items if isinstance(e, kind)]

    def call_states(self, call_id: str) -> list[CallState]:
        states: list[CallState] = []
        for ev in self.of(CallChanged):
            if ev.call.id == call_id and (not states or states[-1] is not ev.call.state):
                states.append(ev.call.state)
        return states


def call_is(call_id: str, state: CallState) -> Pred:
    return lambda e: isinstance(e, CallChanged) and e.call.id == call_id and e.call.state is state


def write_tone(path: str, freq: float, seconds: float, rate: int = 16000) -> None:
    """A mono 16-bit sine WAV."""
    n = int(seconds * rate)
    frames = b"".join(
        struct.pack("<h", int(12000 * math.sin(2 * math.pi * freq * i / rate))) for i in range(n)
    )
    with wave.open(path, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(frames)


def dominant_freq(path: str) -> tuple[float, float]:
    """(zero-crossing frequency estimate, RMS) of the loud part of a mono 16-bit WAV."""
    with open(path, "rb") as f:
        data = f.read()
    # pjsua writes a 44-byte header; sizes may be 0 if not finalised, so parse raw.
    rate = struct.unpack_from("<I", data, 24)[0]
    samples = struct.unpack_from(f"<{(len(data) - 44) // 2}h", data, 44)
    loud = [s for s in samples if abs(s) > 0] or [0]
    rms = math.sqrt(sum(s * s for s in loud) / len(loud))
    start = next((i for i, s in enumerate(samples) if abs(s) > rms / 2), 0)
    seg = samples[start : start + rate * 2]
    crossings = sum(1 for a, b in zip(seg, seg[1:], strict=False) if (a < 0) != (b < 0))
    return crossings / 2 / (len(seg) / rate) if seg else 0.0, rms
