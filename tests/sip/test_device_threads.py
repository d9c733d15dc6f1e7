"""Device mode keeps PortAudio off the pjsip thread: restarts (~170 ms with a real
sound server), stream opens and closes run on the sound thread; a ring device that
goes away mid-ring is told and the ringtone moves to the default device."""

from __future__ import annotations

import asyncio
import sys
import threading
import time
from pathlib import Path

import pytest

from tests.sip import fake_sounddevice
from tests.sip.conftest import _lab
from tests.sip.helpers import call_is, write_tone
from tests.sip.test_call_features import connect
from tuiphone.model.backend import MediaSettings
from tuiphone.model.call import CallState
from tuiphone.model.errors import NotFound
from tuiphone.model.events import IncomingCall, Notice

pytestmark = pytest.mark.pjsua


async def test_portaudio_restarts_never_hold_the_pjsip_thread(
        monkeypatch: pytest.MonkeyPatch) -> None:
    fake = fake_sounddevice.module()
    held, restarts = threading.Event(), []

    def initialize() -> None:
        restarts.append(threading.current_thread().name)
        held.wait(30)  # a PortAudio restart that lasts as long as the test wants

    fake._terminate = lambda: None  # type: ignore[attr-defined]
    fake._initialize = initialize  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "sounddevice", fake)
    async with _lab(MediaSettings(mode="device")) as lab:
        # the restart at start is held: SIP goes on, a call connects all the same
        await lab.add("alice")
        await lab.add("bob")
        cid, _ = await connect(lab)
        began = time.monotonic()
        await lab.backend.sync()
        assert time.monotonic() - began < 0.5
        assert restarts == ["tuiphone-sound"]
        assert not fake_sounddevice._Stream.instances  # noqa: SLF001 - they wait for the list
        held.set()
        mic, speaker = await asyncio.to_thread(fake_sounddevice.wait_streams, 2)
        assert mic.opened_on == speaker.opened_on == "tuiphone-sound"
        assert speaker.enough.wait(30)  # the call plays once the list is read
        names = [d.name for d in await lab.backend.audio_devices()]
        assert names == ["default", "Fake Headset"]
        assert len(restarts) == 1  # not while the call's streams are open
        await lab.backend.hangup(cid)
        await lab.events.wait(call_is(cid, CallState.ENDED))
        assert await asyncio.to_thread(speaker._stop.wait, 30)  # noqa: SLF001
        await lab.backend.audio_devices()
        assert restarts == ["tuiphone-sound"] * 2  # now it restarts, on the sound thread


async def test_a_ring_device_that_goes_away_rings_on_the_default(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setitem(sys.modules, "sounddevice", fake_sounddevice.module())
    ring = tmp_path / "ring.wav"
    write_tone(str(ring), 660.0, 0.5)
    media = MediaSettings(mode="device", ringtone=str(ring), ring="headset")
    async with _lab(media) as lab:
        await lab.add("alice")
        await lab.add("bob")
        await lab.backend.make_call("alice", lab.contacts["bob"])
        await lab.events.wait(lambda e: isinstance(e, IncomingCall) and e.call.account_id == "bob")
        (ringer,) = await asyncio.to_thread(fake_sounddevice.wait_streams, 1)
        assert ringer.device == 1  # "Fake Headset"
        ringer.vanish()
        notice = await lab.events.wait(lambda e: isinstance(e, Notice) and "went away" in e.text)
        assert "ring device Fake Headset" in notice.text
        assert "the ringtone goes on with the default (default)" in notice.text
        again = (await asyncio.to_thread(fake_sounddevice.wait_streams, 2))[1]
        assert again.device == 0
        assert again.enough.wait(30)  # it rings on


async def test_switching_the_ring_device_mid_ring_moves_the_ringtone(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setitem(sys.modules, "sounddevice", fake_sounddevice.module())
    ring = tmp_path / "ring.wav"
    write_tone(str(ring), 660.0, 0.5)
    async with _lab(MediaSettings(mode="device", ringtone=str(ring))) as lab:
        await lab.add("alice")
        await lab.add("bob")
        await lab.backend.make_call("alice", lab.contacts["bob"])
        await lab.events.wait(lambda e: isinstance(e, IncomingCall) and e.call.account_id == "bob")
        (first,) = await asyncio.to_thread(fake_sounddevice.wait_streams, 1)
        assert first.device == 0  # the output's default
        assert await lab.backend.set_audio_device("ring", "headset") == "Fake Headset"
        assert first._stop.is_set()  # noqa: SLF001
        moved = (await asyncio.to_thread(fake_sounddevice.wait_streams, 2))[1]
        assert moved.device == 1
        assert moved.opened_on == "tuiphone-sound"
        assert moved.enough.wait(30)
        with pytest.raises(NotFound, match="no output devices match 'hdmi'"):
            await lab.backend.set_audio_device("ring", "hdmi")
        again = (await asyncio.to_thread(fake_sounddevice.wait_streams, 3))[2]
        assert again.device == 1  # back where it was: nothing changed
