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
    try:
        with wave.open(str(path), "rb") as wav:
            rate, channels = wav.getframerate(), wav.getnchannels()
            data = wav.readframes(wav.getnframes())
    except (wave.Error, EOFError):  # still being written: 16-bit mono at the header's rate
        raw = path.read_bytes()
        rate = int.from_bytes(raw[24:28], "little") or 8000
        channels, data = 1, b""
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


def tone_level(samples: list[int], rate: int, freq_hz: float) -> float:
    """RMS-like amplitude of ``freq_hz`` in ``samples`` (Goertzel): finds one tone in a mix."""
    if not samples:
        return 0.0
    coeff = 2 * math.cos(2 * math.pi * freq_hz / rate)
    s1 = s2 = 0.0
    for x in samples:
        s1, s2 = x + coeff * s1 - s2, s1
    power = s1 * s1 + s2 * s2 - coeff * s1 * s2
    return math.sqrt(max(power, 0.0)) * math.sqrt(2) / len(samples)


def tail_samples(path: Path, seconds: float, rate: int = 8000) -> list[int]:
    """The last ``seconds`` of a 16-bit mono recording, whatever its header says.

    baresip's sndfile names dumps by the second: a call that starts in the same second
    as another (a transfer) writes into the same file, so only the tail is sure to be
    the newer call's."""
    count = int(seconds * rate)
    data = path.read_bytes()[44:]
    data = data[len(data) - 2 * count:] if len(data) >= 2 * count else data
    return list(struct.unpack(f"<{len(data) // 2}h", data[: len(data) // 2 * 2]))

