"""The tone meter behind ``call --expect-tone``: sines at both pjsua rates, a tone
under noise, silence, and a WAV whose recorder has not closed yet (sizes of 0)."""

from __future__ import annotations

import math
import random
import struct
import wave

import pytest

from tuiphone.model.tone import dominant, measure


def sine(freq: float, rate: int, seconds: float = 2.0, amp: int = 8000) -> list[int]:
    return [int(amp * math.sin(2 * math.pi * freq * i / rate)) for i in range(int(seconds * rate))]


@pytest.mark.parametrize("rate", [8000, 16000, 48000])
@pytest.mark.parametrize("freq", [440.0, 880.0, 1004.5, 3000.0])
def test_a_sine_is_found_within_a_hertz(freq, rate):
    reading = dominant(sine(freq, rate), rate)
    assert reading.freq_hz is not None
    assert abs(reading.freq_hz - freq) < 1.0
    assert reading.share > 0.9


def test_the_louder_of_two_tones_wins_and_noise_is_no_tone():
    rnd = random.Random(7)
    mix = [a + b // 4 + int(rnd.gauss(0, 300))
           for a, b in zip(sine(880, 8000), sine(440, 8000), strict=True)]
    assert abs((dominant(mix, 8000).freq_hz or 0) - 880) < 1
    noise = [int(rnd.gauss(0, 3000)) for _ in range(16000)]
    assert dominant(noise, 8000).share < 0.2


def test_silence_has_no_frequency():
    reading = dominant([0] * 16000, 8000)
    assert reading.freq_hz is None
    assert reading.level_dbfs <= -50


def test_an_unfinished_recording_is_read(tmp_path):
    path = tmp_path / "open.wav"
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(16000)
        wav.writeframes(struct.pack(f"<{32000}h", *sine(880, 16000)))
    raw = bytearray(path.read_bytes())
    raw[4:8] = raw[40:44] = b"\0\0\0\0"  # what pjsua's recorder leaves until closed
    path.write_bytes(bytes(raw))
    assert abs((measure(path).freq_hz or 0) - 880) < 1


def test_not_a_wav_is_a_value_error(tmp_path):
    path = tmp_path / "x.wav"
    path.write_bytes(b"hello")
    with pytest.raises(ValueError, match="not a WAV"):
        measure(path)
