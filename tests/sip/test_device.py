"""Audio mode "device" through a fake sounddevice module (no sound card here)."""

from __future__ import annotations

import asyncio
import struct
import sys

import pytest

from tests.sip import fake_sounddevice
from tests.sip.conftest import _lab
from tests.sip.test_call_features import connect
from tuiphone.model.backend import BackendSettings, MediaSettings
from tuiphone.model.errors import UsageError
from tuiphone.model.events import Notice
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
        mic, stream = (await asyncio.to_thread(fake_sounddevice.wait_streams, 2))[:2]
        assert isinstance(stream, fake_sounddevice.RawOutputStream)
        assert mic.device == stream.device == 0  # the defaults
        # both legs send the fake microphone's tone; the speaker gets their mix back
        assert stream.enough.wait(30)
        # two fake streams paced by threads: on a loaded machine a ring over- or underruns
        # now and then, and each glitch adds a crossing (PulseAudio in the lab: 440.0 Hz)
        assert 400 < crossings_hz(stream.played[-100:]) < 520
    assert stream._stop.is_set()  # noqa: SLF001 - the stream was closed at stop


async def test_device_mode_without_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "sounddevice", None)  # import raises ImportError
    backend = PjBackend()
    with pytest.raises(UsageError, match="audio extra"):
        await backend.start(BackendSettings(media=MediaSettings(mode="device")), lambda e: None)
    assert not backend.running


async def test_no_sound_device_says_how_to_get_one(monkeypatch: pytest.MonkeyPatch) -> None:
    """With no device PortAudio refuses the stream: the call stays up, and the notice
    points at a sound server over the network (PULSE_SERVER)."""
    fake = fake_sounddevice.module()

    def refuse(**_: object) -> None:
        raise RuntimeError("Error querying device -1")  # what PortAudio says

    fake.RawInputStream = refuse  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "sounddevice", fake)
    monkeypatch.delenv("PULSE_SERVER", raising=False)
    async for lab in _lab(MediaSettings(mode="device")):
        await lab.add("alice")
        await lab.add("bob")
        a, _ = await connect(lab)
        notice = await lab.events.wait(lambda e: isinstance(e, Notice) and "sound" in e.text)
        assert "PULSE_SERVER" in notice.text
        assert "cannot open the sound device" in notice.text
        assert (await lab.backend.call_stats(a)).codec  # the call is up all the same


async def test_a_device_chosen_by_name_or_index(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "sounddevice", fake_sounddevice.module())
    media = MediaSettings(mode="device", input="headset", output="1")
    async for lab in _lab(media):
        await lab.add("alice")
        await lab.add("bob")
        await connect(lab)
        mic, speaker = (await asyncio.to_thread(fake_sounddevice.wait_streams, 2))[:2]
        assert (mic.device, speaker.device) == (1, 1)  # "Fake Headset", by part of its name
        assert [d.name for d in await lab.backend.audio_devices()] == ["default", "Fake Headset"]


async def test_an_unknown_device_name_lists_the_devices(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "sounddevice", fake_sounddevice.module())
    async for lab in _lab(MediaSettings(mode="device", output="usb speaker")):
        await lab.add("alice")
        await lab.add("bob")
        await connect(lab)
        notice = await lab.events.wait(lambda e: isinstance(e, Notice) and "usb speaker" in e.text)
        assert "0: default, 1: Fake Headset" in notice.text
        assert "using the default" in notice.text
        assert (await asyncio.to_thread(fake_sounddevice.wait_streams, 2))[1].device == 0


async def test_switching_the_output_mid_call_moves_the_stream(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "sounddevice", fake_sounddevice.module())
    async for lab in _lab(MediaSettings(mode="device")):
        await lab.add("alice")
        await lab.add("bob")
        await connect(lab)
        first = await asyncio.to_thread(fake_sounddevice.wait_streams, 2)
        assert await lab.backend.set_audio_device("output", "headset") == "Fake Headset"
        later = fake_sounddevice._Stream.instances[len(first):]  # noqa: SLF001
        assert [s.device for s in later] == [0, 1]  # microphone as before, speaker moved
        assert all(s._stop.is_set() for s in first)  # noqa: SLF001
        speaker = later[1]
        assert speaker.enough.wait(30)  # the calls play on the new device
        assert 400 < crossings_hz(speaker.played[-100:]) < 520
