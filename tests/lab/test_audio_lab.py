"""Device mode against real sound devices: a private PulseAudio with null sinks, reached
through PortAudio (sounddevice) and ALSA's pulse plugin, and baresip on the far end.

Our "microphone" is a null sink's monitor fed a 440 Hz tone; baresip sends 880 Hz.
Each tone is measured where it lands: baresip's recording, the speaker sink's
monitor, our own recordings (mixed, and one tone per channel with --stereo).
"""

from __future__ import annotations

import array
import asyncio
import logging
import threading
import time
import wave
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import sounddevice  # noqa: F401 - the lab needs it (test extra): missing, fail, don't skip

from tests.lab.engine_harness import Watch, eventually, lab_account
from tests.lab.procs import free_port
from tests.lab.pulse import RATE, Pulse
from tests.lab.tones import dominant_freq, read_mono, rms, tone_level, write_tone
from tuiphone.model.account import RegState
from tuiphone.model.backend import BackendSettings, MediaSettings
from tuiphone.model.call import CallState
from tuiphone.model.events import CallChanged, IncomingCall, Notice
from tuiphone.sip import sound

pytestmark = [pytest.mark.lab, pytest.mark.pjsua]

ASOUNDRC = """pcm.ringer {{ type pulse device "ringer" }}
pcm.headset {{ type pulse server "unix:{headset}/native" device "headset" }}
"""


@pytest.fixture(scope="module")
def pulse(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Pulse]:
    """The desk's sound server: speaker "spk", microphone fed through "micfeed" with
    440 Hz, a "ringer" sink; the pcms "ringer" and "headset" (a second server's sink,
    started by the test that unplugs it) in PortAudio's list."""
    base = tmp_path_factory.mktemp("pulse")
    server = Pulse.launch(base / "desk", ("spk", "micfeed", "ringer"))
    (base / "asoundrc").write_text(ASOUNDRC.format(headset=base / "headset"))
    tone = write_tone(base / "mic440.wav", 440.0, seconds=120, rate=48000)
    server.play("micfeed", tone)
    with pytest.MonkeyPatch.context() as mp:
        # read before PortAudio starts, and again each time tuiphone restarts it
        mp.setenv("PULSE_SERVER", server.server)
        mp.setenv("PULSE_COOKIE", str(base / "cookie"))
        mp.setenv("ALSA_CONFIG_PATH", f"/usr/share/alsa/alsa.conf:{base / 'asoundrc'}")
        yield server
    server.stop()


async def device_phone(kamailio, phone_factory, **media: object):
    settings = MediaSettings(mode="device", record_calls="none", **media)  # type: ignore[arg-type]
    phone = await phone_factory(lab_account(kamailio, "alice"),
                                backend=BackendSettings(media=settings))
    acc = await Watch(phone).settled(phone, "alice")
    assert acc.reg_state is RegState.REGISTERED
    return phone


@dataclass
class Ringing:
    phone: Any
    watch: Watch
    incoming: IncomingCall
    capture: Any  # the ring device's monitor, recording
    heard: list[int]  # its first loud stretch


async def ringing_on(server: Pulse, sink: str, kamailio, baresip, phone_factory,
                     tmp_path: Path, loud_s: float) -> Ringing:
    """A phone whose ring device is ``sink`` (of ``server``), rung by baresip: what the
    sink played once the ringtone (660 Hz) was loud for ``loud_s``."""
    ring = write_tone(tmp_path / "ring660.wav", 660.0, seconds=2, rate=16000)
    phone = await device_phone(kamailio, phone_factory, ringtone=str(ring), ring=sink)
    watch = Watch(phone)
    capture = server.capture(f"{sink}.monitor", tmp_path / f"{sink}.raw")
    baresip.dial(kamailio.aor("alice"))
    incoming = await watch.wait(lambda e: isinstance(e, IncomingCall))
    heard = await asyncio.to_thread(capture.wait_loud, loud_s)
    return Ringing(phone, watch, incoming, capture, heard)


@pytest.fixture
def restarts(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, float]]:
    """(thread, seconds) of every PortAudio restart the engine makes."""
    made: list[tuple[str, float]] = []
    real = sound.refresh

    def timed(sd: object) -> None:
        began = time.monotonic()
        real(sd)  # type: ignore[arg-type]
        made.append((threading.current_thread().name, time.monotonic() - began))

    monkeypatch.setattr(sound, "refresh", timed)
    return made


def channels(path: Path) -> tuple[list[int], list[int]]:
    with wave.open(str(path), "rb") as wav:
        assert wav.getnchannels() == 2
        data = array.array("h", wav.readframes(wav.getnframes()))
    return list(data[0::2]), list(data[1::2])


async def sent(phone, call_id: str, packets: int) -> None:
    """Until ``packets`` more RTP packets went out (20 ms each)."""
    start = (await phone.call_stats(call_id)).tx_packets
    await eventually(lambda: phone.call_stats(call_id), lambda s: s.tx_packets >= start + packets)


async def test_device_mode_call_both_tones_and_recordings(pulse, kamailio, baresip,
                                                          phone_factory, tmp_path):
    phone = await device_phone(kamailio, phone_factory)
    names = [d.name for d in await phone.audio_devices()]
    assert "ringer" in names
    assert "default" in names
    speaker = pulse.capture("spk.monitor", tmp_path / "spk.raw")
    watch = Watch(phone)
    call = await phone.call("carol")
    await watch.call_state(call.id, CallState.CONNECTED)

    stereo = tmp_path / "stereo.wav"
    rec = await phone.record(call.id, str(stereo), stereo=True)
    assert rec.path == str(stereo)
    await watch.wait(lambda e: isinstance(e, CallChanged) and e.call.recording == str(stereo))
    # baresip's 880 Hz at our speaker
    heard = await asyncio.to_thread(speaker.wait_loud, 1.0)
    print(f"speaker: {dominant_freq(heard, RATE):.1f} Hz rms {rms(heard):.0f}")
    assert 840 < dominant_freq(heard, RATE) < 920
    await sent(phone, call.id, 100)
    done = await phone.stop_recording()
    assert done.path == str(stereo)
    await watch.wait(lambda e: isinstance(e, CallChanged) and e.call.id == call.id
                     and not e.call.recording)

    mixed = tmp_path / "mixed.wav"
    await phone.record(call.id, str(mixed))
    await sent(phone, call.id, 100)
    await phone.hangup(call.id)
    await watch.call_state(call.id, CallState.ENDED)  # the recording ends with the call
    speaker.stop()

    far, near = channels(stereo)
    far_hz, near_hz = dominant_freq(far[-RATE:], RATE), dominant_freq(near[-RATE:], RATE)
    print(f"stereo: left {far_hz:.1f} Hz rms {rms(far[-RATE:]):.0f}, "
          f"right {near_hz:.1f} Hz rms {rms(near[-RATE:]):.0f}")
    assert 840 < far_hz < 920  # left: the far end (baresip)
    assert 400 < near_hz < 480  # right: our microphone
    assert stereo.stat().st_mode & 0o777 == 0o600

    samples, rate = read_mono(mixed)
    tail = samples[-rate:]
    ours, theirs = tone_level(tail, rate, 440.0), tone_level(tail, rate, 880.0)
    print(f"mixed: 440 Hz level {ours:.0f}, 880 Hz level {theirs:.0f}, rms {rms(tail):.0f}")
    assert ours > 500
    assert theirs > 500
    assert tone_level(tail, rate, 660.0) < min(ours, theirs) / 5  # tones, not noise

    baresip.stop()  # closes its WAV dumps
    got, got_rate = read_mono(baresip.received_wavs()[0])
    loud = got[-2 * got_rate:]
    print(f"baresip heard {dominant_freq(loud, got_rate):.1f} Hz rms {rms(loud):.0f}")
    assert 400 < dominant_freq(loud, got_rate) < 480


async def test_a_vanished_output_falls_back_to_the_default(pulse, kamailio, baresip,
                                                           phone_factory, tmp_path, restarts,
                                                           caplog, capfd):
    caplog.set_level(logging.INFO, logger="tuiphone.portaudio")
    # a second server whose only sink is the headset: once it goes, nothing can take
    # the stream over (a sink beside others would have it moved there silently)
    headset = Pulse.launch(pulse.run.parent / "headset", ("headset",), desk=False)
    try:
        phone = await device_phone(kamailio, phone_factory, output="headset")
        watch = Watch(phone)
        in_headset = headset.capture("headset.monitor", tmp_path / "headset.raw")
        call = await phone.call("carol")
        await watch.call_state(call.id, CallState.CONNECTED)
        heard = await asyncio.to_thread(in_headset.wait_loud, 0.5)
        assert 840 < dominant_freq(heard, RATE) < 920  # the chosen device plays
        in_headset.stop()

        headset.pactl("unload-module", headset.module_of("headset"))  # unplugged
        notice = await watch.wait(lambda e: isinstance(e, Notice) and "went away" in e.text)
        print(notice.text)
        assert "headset" in notice.text
        assert "default" in notice.text
        speaker = pulse.capture("spk.monitor", tmp_path / "spk.raw")
        heard = await asyncio.to_thread(speaker.wait_loud, 1.0)
        assert 840 < dominant_freq(heard, RATE) < 920  # the call goes on, on the default
        assert phone.state().calls[0].state is CallState.CONNECTED
        async def logged() -> str:
            return caplog.text

        # PortAudio's complaint about the dead stream reached our log, not the terminal
        await eventually(logged, lambda text: "pa_linux_alsa.c" in text)
        assert "pa_linux_alsa.c" not in capfd.readouterr().err
        assert len(restarts) >= 2  # at start, and after the headset went
        assert {t for t, _ in restarts} == {"tuiphone-sound"}
        speaker.stop()
        await phone.hangup(call.id)
    finally:
        headset.stop()


async def test_the_ringtone_plays_on_the_ring_device_until_answered(pulse, kamailio, baresip,
                                                                   phone_factory, tmp_path):
    rung = await ringing_on(pulse, "ringer", kamailio, baresip, phone_factory, tmp_path, 1.0)
    phone, watch, incoming, ringer, heard = (rung.phone, rung.watch, rung.incoming,
                                             rung.capture, rung.heard)
    print(f"ringer: {dominant_freq(heard, RATE):.1f} Hz rms {rms(heard):.0f}")
    assert 620 < dominant_freq(heard, RATE) < 700
    await phone.answer(incoming.call.id)
    await watch.call_state(incoming.call.id, CallState.CONNECTED)

    async def level() -> float:
        return rms(ringer.samples()[-RATE // 2:])

    await eventually(level, lambda r: r < 30)  # it stopped on answer
    await phone.hangup(incoming.call.id)
    await watch.call_state(incoming.call.id, CallState.ENDED)

    baresip.dial(kamailio.aor("alice"))  # again, and the caller gives up
    second = await watch.wait(lambda e: isinstance(e, IncomingCall)
                              and e.call.id != incoming.call.id)
    await eventually(level, lambda r: r > 1000)
    baresip.hangup()
    await watch.call_state(second.call.id, CallState.ENDED)
    await eventually(level, lambda r: r < 30)  # it stopped when the caller hung up
    ringer.stop()


async def test_a_sound_server_over_tcp_as_through_ssh(pulse, kamailio, baresip, phone_factory,
                                                      tmp_path, monkeypatch):
    """README's Audio over SSH without the ssh: the sound server's TCP module on
    loopback, PULSE_SERVER=tcp:..., and the call's sound goes that way."""
    port = free_port()
    module = pulse.pactl("load-module", "module-native-protocol-tcp", "listen=127.0.0.1",
                         f"port={port}", "auth-anonymous=1").stdout.strip()
    try:
        monkeypatch.setenv("PULSE_SERVER", f"tcp:127.0.0.1:{port}")
        phone = await device_phone(kamailio, phone_factory)
        watch = Watch(phone)
        speaker = pulse.capture("spk.monitor", tmp_path / "spk.raw")
        call = await phone.call("carol")
        await watch.call_state(call.id, CallState.CONNECTED)
        heard = await asyncio.to_thread(speaker.wait_loud, 1.0)
        assert 840 < dominant_freq(heard, RATE) < 920
        clients = pulse.pactl("list", "clients").stdout
        assert "TCP/IP client from 127.0.0.1" in clients  # our streams came over TCP
        speaker.stop()
        await phone.hangup(call.id)
    finally:
        pulse.pactl("unload-module", module, check=False)


async def test_portaudio_restarts_stay_off_the_pjsip_thread(pulse, kamailio, baresip,
                                                            phone_factory, restarts):
    """Restarting PortAudio (the list read again) happens at start, on ``audio devices``,
    on ``audio use`` and never on the pjsip thread, which answers meanwhile."""
    phone = await device_phone(kamailio, phone_factory)
    listing = asyncio.create_task(phone.audio_devices())
    waits = []
    while not listing.done():  # the pjsip thread answers while PortAudio restarts
        began = time.monotonic()
        await phone.backend.sync()
        waits.append(time.monotonic() - began)
    assert "ringer" in [d.name for d in await listing]
    watch = Watch(phone)
    call = await phone.call("carol")
    await watch.call_state(call.id, CallState.CONNECTED)
    assert await phone.set_audio_device("output", "ringer") == "ringer"
    await phone.hangup(call.id)
    await watch.call_state(call.id, CallState.ENDED)
    print(f"restarts: {[(t, round(s * 1000)) for t, s in restarts]} ms; pjsip thread "
          f"answered {len(waits)} times meanwhile, slowest {max(waits) * 1000:.1f} ms")
    assert len(restarts) >= 3  # start, audio devices, audio use (streams closed first)
    assert {t for t, _ in restarts} == {"tuiphone-sound"}
    assert len(waits) > 1  # it answered while PortAudio restarted


async def test_a_vanished_ring_device_rings_on_the_default(pulse, kamailio, baresip,
                                                         phone_factory, tmp_path, restarts):
    headset = Pulse.launch(pulse.run.parent / "headset", ("headset",), desk=False)
    try:
        rung = await ringing_on(headset, "headset", kamailio, baresip, phone_factory,
                                tmp_path, 0.5)
        watch, incoming, in_headset, heard = rung.watch, rung.incoming, rung.capture, rung.heard
        assert 620 < dominant_freq(heard, RATE) < 700  # it rings in the headset
        in_headset.stop()

        speaker = pulse.capture("spk.monitor", tmp_path / "spk.raw")
        headset.pactl("unload-module", headset.module_of("headset"))  # unplugged mid-ring
        notice = await watch.wait(lambda e: isinstance(e, Notice) and "went away" in e.text)
        print(notice.text)
        assert "ring device headset" in notice.text
        assert "the ringtone goes on with the default" in notice.text
        heard = await asyncio.to_thread(speaker.wait_loud, 1.0)
        assert 620 < dominant_freq(heard, RATE) < 700  # it rings on, on the default
        speaker.stop()
        assert {t for t, _ in restarts} == {"tuiphone-sound"}
        baresip.hangup()
        await watch.call_state(incoming.call.id, CallState.ENDED)
    finally:
        headset.stop()
