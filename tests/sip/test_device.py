"""Audio mode "device" through a fake sounddevice module (no sound card here)."""

from __future__ import annotations

import asyncio
import struct
import sys

import pytest

from tests.lab.tones import tone_level
from tests.sip import fake_sounddevice
from tests.sip.conftest import _lab
from tests.sip.test_call_features import connect
from tuiphone.model.backend import BackendSettings, MediaSettings
from tuiphone.model.errors import UsageError
from tuiphone.model.events import Notice
from tuiphone.sip import PjBackend

pytestmark = pytest.mark.pjsua


def peak_hz(frames: list[bytes], rate: int = 16000) -> int:
    """The strongest frequency between 300 and 600 Hz, in 10 Hz steps (Goertzel). A ring
    that over- or underruns now and then (two fake streams paced by threads, on a loaded
    machine) adds clicks, which spread over every frequency and move no peak; they added
    zero crossings, which made a crossing count read 537 Hz for the 440 Hz tone once."""
    pcm = b"".join(f for f in frames if any(f))
    samples = list(struct.unpack(f"<{len(pcm) // 2}h", pcm))
    return max(range(300, 610, 10), key=lambda hz: tone_level(samples, rate, hz))


async def test_device_mode_carries_audio(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "sounddevice", fake_sounddevice.module())
    async with _lab(MediaSettings(mode="device")) as lab:
        await lab.add("alice")
        await lab.add("bob")
        await connect(lab)
        mic, stream = (await asyncio.to_thread(fake_sounddevice.wait_streams, 2))[:2]
        assert isinstance(stream, fake_sounddevice.RawOutputStream)
        assert mic.device == stream.device == 0  # the defaults
        # both legs send the fake microphone's tone; the speaker gets their mix back
        assert stream.enough.wait(30)
        assert peak_hz(stream.played[-100:]) == 440  # the fake microphone's tone
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
    async with _lab(MediaSettings(mode="device")) as lab:
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
    async with _lab(media) as lab:
        await lab.add("alice")
        await lab.add("bob")
        await connect(lab)
        mic, speaker = (await asyncio.to_thread(fake_sounddevice.wait_streams, 2))[:2]
        assert (mic.device, speaker.device) == (1, 1)  # "Fake Headset", by part of its name
        assert [d.name for d in await lab.backend.audio_devices()] == ["default", "Fake Headset"]


async def test_an_unknown_device_name_lists_the_devices(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "sounddevice", fake_sounddevice.module())
    async with _lab(MediaSettings(mode="device", output="usb speaker")) as lab:
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
    async with _lab(MediaSettings(mode="device")) as lab:
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
        assert peak_hz(speaker.played[-100:]) == 440
