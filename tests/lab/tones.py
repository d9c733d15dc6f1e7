"""Test tones as WAV files, and a crude pitch estimate for recordings."""

from __future__ import annotations

import array
import math
import struct
import sys
import wave
from pathlib import Path


def write_tone(path: Path, freq_hz: float = 880.0, seconds: int = 60, rate: int = 8000) -> Path:
    """A mono 16-bit sine WAV at ``rate`` (baresip's aufile needs the exact source rate).

    baresip ends a call when its aufile source runs dry, hence a long default.
    One second is computed and repeated: whole-hertz tones fit a second exactly.
    """
    second = array.array(
        "h", (int(12000 * math.sin(2 * math.pi * freq_hz * i / rate)) for i in range(rate))
    )
    if sys.byteorder != "little":
        second.byteswap()
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(rate)
        wav.writeframes(second.tobytes() * seconds)
    return path


def read_mono(path: Path) -> tuple[list[int], int]:
    """Samples of the first channel of a 16-bit WAV and its rate.

    Tolerates a header whose sizes are still 0 (a recorder that has not closed yet).
    """
    with wave.open(str(path), "rb") as wav:
        rate, channels = wav.getframerate(), wav.getnchannels()
        data = wav.readframes(wav.getnframes())
    if not data:
        data = path.read_bytes()[44:]
    count = len(data) // 2
    samples = list(struct.unpack(f"<{count}h", data[: count * 2]))
    return samples[::channels], rate


def rms(samples: list[int]) -> float:
    return math.sqrt(sum(s * s for s in samples) / len(samples)) if samples else 0.0


def dominant_freq(samples: list[int], rate: int) -> float:
    """Frequency estimated from zero crossings of the loud part (good enough for one sine)."""
    loud = [s for s in samples if abs(s) > 0] or [0]
    crossings = sum(1 for a, b in zip(loud, loud[1:], strict=False) if (a < 0) != (b < 0))
    return crossings * rate / (2 * len(loud))
