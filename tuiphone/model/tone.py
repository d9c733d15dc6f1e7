"""The dominant frequency of a recording: what ``call --expect-tone`` measures.

A Hann-windowed FFT over up to ``FRAMES`` consecutive frames, their power spectra
averaged, the strongest bin refined by parabolic interpolation. Pure Python (radix-2,
iterative): a few 8192-point frames take well under a second. Standard library only.
"""

from __future__ import annotations

import cmath
import math
import struct
import sys
import wave
from array import array
from dataclasses import dataclass
from pathlib import Path

FRAME = 8192  # samples per FFT frame: 1 Hz bins at 8 kHz, 2 Hz at 16 kHz
FRAMES = 4
SKIP_S = 0.5  # the start of a call's audio: jitter buffer filling, silence
SILENCE_DBFS = -50.0  # quieter than this, nothing was heard
_WAV_HEADER = 44


@dataclass(frozen=True, slots=True)
class ToneReading:
    """``freq_hz`` is None for silence; ``level_dbfs`` is the RMS level of the analysed
    audio; ``share`` the part of its power within 2 % of ``freq_hz`` (1.0 for a pure
    tone, small for noise or speech)."""

    freq_hz: float | None
    level_dbfs: float
    share: float
    seconds: float


def read_wav(path: str | Path) -> tuple[array[int], int]:
    """The first channel of a 16-bit PCM WAV and its rate. A recorder still open has
    sizes of 0 in its header: then everything after the 44-byte header is the data.
    Raises OSError, ValueError (not 16-bit PCM)."""
    raw = Path(path).read_bytes()
    try:
        with wave.open(str(path), "rb") as wav:
            rate, channels, width = wav.getframerate(), wav.getnchannels(), wav.getsampwidth()
            data = wav.readframes(wav.getnframes())
    except (wave.Error, EOFError) as err:
        if len(raw) < _WAV_HEADER or raw[:4] != b"RIFF":
            raise ValueError(f"not a WAV file: {err}") from None
        rate, channels, width = struct.unpack_from("<I", raw, 24)[0], \
            struct.unpack_from("<H", raw, 22)[0], struct.unpack_from("<H", raw, 34)[0] // 8
        data = b""
    if width != 2:
        raise ValueError(f"{width * 8}-bit samples: only 16-bit PCM is measured")
    if not data:
        data = raw[_WAV_HEADER:]
    samples = array("h")
    samples.frombytes(data[: len(data) // 2 * 2])
    if sys.byteorder != "little":
        samples.byteswap()
    return samples[:: max(1, channels)], rate or 8000


def dominant(samples: array[int] | list[int], rate: int) -> ToneReading:
    """The strongest frequency of ``samples`` after the first ``SKIP_S`` seconds."""
    audio = samples[int(SKIP_S * rate):] if len(samples) > 2 * SKIP_S * rate else samples
    level = _dbfs(audio)
    seconds = round(len(audio) / rate, 2) if rate else 0.0
    if level < SILENCE_DBFS or len(audio) < 256:
        return ToneReading(None, level, 0.0, seconds)
    size = min(FRAME, 1 << (len(audio).bit_length() - 1))
    window = [0.5 - 0.5 * math.cos(2 * math.pi * i / size) for i in range(size)]
    power = [0.0] * (size // 2)
    frames = min(FRAMES, len(audio) // size)
    for f in range(frames):
        chunk = audio[f * size:(f + 1) * size]
        spectrum = _fft([complex(x * w) for x, w in zip(chunk, window, strict=True)])
        for k in range(1, size // 2):
            power[k] += abs(spectrum[k]) ** 2
    peak = max(range(1, size // 2 - 1), key=power.__getitem__)
    freq = (peak + _offset(power, peak)) * rate / size
    near = max(1, int(0.02 * freq * size / rate))
    total = sum(power) or 1.0
    share = sum(power[max(1, peak - near):peak + near + 1]) / total
    return ToneReading(round(freq, 1), level, round(share, 3), seconds)


def measure(path: str | Path) -> ToneReading:
    """``dominant`` of a WAV file. Raises OSError, ValueError."""
    samples, rate = read_wav(path)
    return dominant(samples, rate)


def _dbfs(samples: array[int] | list[int]) -> float:
    if not samples:
        return -120.0
    mean_square = sum(x * x for x in samples) / len(samples)
    return round(max(-120.0, 10 * math.log10(max(mean_square, 1e-12) / 32768.0**2)), 1)


def _offset(power: list[float], k: int) -> float:
    """Where between bins the peak really is (parabola through the log powers)."""
    a, b, c = (math.log(max(power[i], 1e-30)) for i in (k - 1, k, k + 1))
    bend = a - 2 * b + c
    return 0.0 if bend == 0 else max(-0.5, min(0.5, 0.5 * (a - c) / bend))


def _fft(values: list[complex]) -> list[complex]:
    """In-place iterative radix-2 FFT; ``len(values)`` is a power of two."""
    n = len(values)
    j = 0
    for i in range(1, n):
        bit = n >> 1
        while j & bit:
            j ^= bit
            bit >>= 1
        j |= bit
        if i < j:
            values[i], values[j] = values[j], values[i]
    length = 2
    while length <= n:
        step = cmath.exp(-2j * math.pi / length)
        half = length // 2
        twiddles = [step**k for k in range(half)]
        for start in range(0, n, length):
            for k in range(half):
                a = values[start + k]
                b = values[start + k + half] * twiddles[k]
                values[start + k] = a + b
                values[start + k + half] = a - b
        length <<= 1
    return values
