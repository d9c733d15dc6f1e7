"""Audio mode "device" through a fake sounddevice module (no sound card here)."""

from __future__ import annotations

import struct
import sys

import pytest

from tests.sip import fake_sounddevice
from tests.sip.conftest import _lab
from tests.sip.test_call_features import connect
from tuiphone.model.backend import BackendSettings, MediaSettings
from tuiphone.model.errors import UsageError
from tuiphone.sip import PjBackend

pytestmark = pytest.mark.pjsua


def crossings_hz(frames: list[bytes], rate: int = 16000) -> float:
    pcm = b"".join(f for f in frames if any(f))
    samples = struct.unpack(f"<{len(pcm) // 2}h", pcm)
    flips = sum(1 for a, b in zip(samples, samples[1:], strict=False) if (a < 0) != (b < 0))
    return flips / 2 / (len(samples) / rate)


async def test_device_mode_carries_audio(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "sounddevice", fake_sounddevice.module())
    async for lab in _lab(MediaSettings(mode="device")):
        await lab.add("alice")
        await lab.add("bob")
        await connect(lab)
        mic, stream = fake_sounddevice._Stream.instances[:2]  # noqa: SLF001
        assert isinstance(stream, fake_sounddevice.RawOutputStream)
        assert mic.device == stream.device == 0  # the defaults
        # both legs send the fake microphone's tone; the speaker gets their mix back
        assert stream.enough.wait(30)
        assert 400 < crossings_hz(stream.played[-100:]) < 480
    assert stream._stop.is_set()  # noqa: SLF001 - the stream was closed at stop


async def test_device_mode_without_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "sounddevice", None)  # import raises ImportError
    backend = PjBackend()
    with pytest.raises(UsageError, match="audio extra"):
        await backend.start(BackendSettings(media=MediaSettings(mode="device")), lambda e: None)
    assert not backend.running
