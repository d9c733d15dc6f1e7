"""Helpers for the engine against the netns lab: accounts as a user writes them (a
registrar, nothing else), two-way audio checks, and the phone's own recordings."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from tests.lab.baresip import Baresip
from tests.lab.engine_harness import Watch, eventually
from tests.lab.kamailio import Kamailio
from tests.lab.tones import dominant_freq, read_mono, rms, tone_level, write_tone
from tuiphone.model.account import AccountConfig, RegState
from tuiphone.model.backend import BackendSettings, MediaSettings
from tuiphone.model.call import CallStats

PHONE_TONE_HZ = 440.0  # what the phone plays; baresip plays 880 Hz
AUDIO_PACKETS = 100  # two seconds of 20 ms packets


def far_account(kam: Kamailio, user: str, **kwargs: Any) -> AccountConfig:
    """``user`` at ``kam`` the way a user configures it: a registrar, no proxy, no
    transport, no [engine] settings."""
    kwargs.setdefault("register_expires", 60)
    return AccountConfig(id=user, uri=kam.aor(user), registrar=kam.registrar_uri,
                         username=user, **kwargs)


def files_media(tmp_path: Path, **settings: Any) -> BackendSettings:
    """Play a 440 Hz tone into every call and record each call into ``tmp_path/rec``."""
    tone = write_tone(tmp_path / "phone-440.wav", PHONE_TONE_HZ, seconds=30, rate=16000)
    rec = tmp_path / "rec"
    rec.mkdir(exist_ok=True)
    media = MediaSettings(mode="files", play_file=str(tone), record_dir=str(rec))
    return BackendSettings(media=media, **settings)


async def registered(phone: Any, *users: str) -> Watch:
    watch = Watch(phone)
    for user in users:
        acc = await watch.settled(phone, user)
        assert acc.reg_state is RegState.REGISTERED, f"{user}: {acc.code} {acc.reason}"
    return watch


async def two_way_rtp(phone: Any, call_id: str, packets: int = AUDIO_PACKETS) -> CallStats:
    """Stats once ``packets`` went each way (RTP counters have no event: polled)."""
    stats: CallStats = await eventually(
        lambda: phone.call_stats(call_id),
        lambda s: s.rx_packets >= packets and s.tx_packets >= packets,
    )
    return stats


async def baresip_heard_the_phone(bs: Baresip) -> None:
    """baresip's decoder dump holds a second of the phone's 440 Hz tone."""
    wav = await asyncio.to_thread(bs.wait_for_audio, 1.5)
    samples, rate = read_mono(wav)
    loud = samples[rate // 2:]  # skip the start: jitter buffer and silence
    assert rms(loud) > 300, "baresip received silence"
    assert 380 < dominant_freq(loud, rate) < 500


def phone_heard_baresip(rec_dir: Path) -> None:
    """The phone's recording (both directions mixed) holds baresip's 880 Hz tone."""
    wavs = sorted(rec_dir.glob("*.wav"))
    assert wavs, f"no recording in {rec_dir}"
    samples, rate = read_mono(wavs[-1])
    loud = samples[rate:]
    assert rms(loud) > 300, "the phone recorded silence"
    heard, noise = tone_level(loud, rate, 880.0), tone_level(loud, rate, 1320.0)
    assert heard > 500, f"no 880 Hz from baresip in the recording (level {heard:.0f})"
    assert heard > 10 * noise
