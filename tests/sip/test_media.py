"""Files mode (play/record), stats, loopback, conference and in-band DTMF."""

from __future__ import annotations

import asyncio
import time
import wave
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.sip.conftest import Lab, _lab
from tests.sip.helpers import call_is, dominant_freq, write_tone
from tests.sip.test_call_features import connect
from tuiphone.model.account import DtmfMethod
from tuiphone.model.backend import MediaSettings
from tuiphone.model.call import CallState
from tuiphone.model.errors import NotFound, UsageError
from tuiphone.model.events import CallChanged, Event
from tuiphone.sip import PjBackend
from tuiphone.sip.core import Core
from tuiphone.sip.recorder import CallTap

pytestmark = pytest.mark.pjsua


@pytest.fixture
async def files_lab(tmp_path: Path) -> AsyncIterator[Lab]:
    write_tone(str(tmp_path / "tone440.wav"), 440, 2.0)
    write_tone(str(tmp_path / "silence.wav"), 0, 1.0)
    (tmp_path / "rec").mkdir()
    media = MediaSettings(
        mode="files", play_file=str(tmp_path / "tone440.wav"), record_dir=str(tmp_path / "rec")
    )
    async with _lab(media) as lab:
        await lab.add("alice")
        await lab.add("bob")
        yield lab


async def wait_rx_packets(backend: PjBackend, call_id: str, n: int, timeout: float = 30.0) -> int:  # noqa: ASYNC109
    """Poll the RTP counters until ``n`` packets arrived (media needs wall time to flow)."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        got = (await backend.call_stats(call_id)).rx_packets
        if got >= n or asyncio.get_running_loop().time() > deadline:
            return got
        await asyncio.sleep(0.1)


async def test_files_mode_tone_reaches_recording(files_lab: Lab, tmp_path: Path) -> None:
    a, b = await connect(files_lab)
    await files_lab.backend.play_file(b, str(tmp_path / "silence.wav"))
    mine = tmp_path / "bob.wav"
    auto_b = await files_lab.backend.stop_recording(b)  # one recording at a time per call
    assert auto_b.startswith(str(tmp_path / "rec"))
    with pytest.raises(UsageError, match="not being recorded"):
        await files_lab.backend.stop_recording(b)
    assert await files_lab.backend.record_call(b, str(mine)) == str(mine)
    assert await wait_rx_packets(files_lab.backend, b, 75) >= 75
    stats = await files_lab.backend.call_stats(b)
    assert stats.codec
    assert stats.clock_rate >= 8000
    assert stats.tx_packets > 0
    assert stats.mos is None
    await files_lab.backend.hangup(a)
    await files_lab.events.wait(call_is(b, CallState.ENDED))
    await files_lab.backend.sync()  # the recorder is closed once the ended call is dropped
    freq, rms = dominant_freq(str(mine))
    print(f"recorded {freq:.1f} Hz rms {rms:.0f}")
    assert rms > 500
    assert 400 < freq < 480
    auto = list((tmp_path / "rec").glob("*.wav"))
    assert len(auto) == 2  # one automatic recording per call leg
    for path in auto:  # finished when the call ended, not when the engine stops
        assert path.stat().st_mode & 0o777 == 0o600
        if str(path) != auto_b:  # bob's was stopped at once
            assert await finished(files_lab.backend, path) > 0


async def finished(backend: PjBackend, path: Path, timeout_s: float = 10.0) -> int:
    """The frames of the WAV at ``path`` once its recorder has closed it (a recorder is
    dropped by a job the pjsip thread runs after the call's end): each round lets that
    thread run its queued jobs, for at most ``timeout_s``."""
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            with wave.open(str(path)) as done:
                return done.getnframes()
        except (wave.Error, EOFError):
            assert time.monotonic() < deadline, f"{path} was never finished"
            await backend.sync()


async def test_the_engines_own_line_is_never_recorded(tmp_path: Path) -> None:
    """The echo line's side of a test call (an internal account) makes no file."""
    (tmp_path / "rec").mkdir()
    media = MediaSettings(mode="files", record_dir=str(tmp_path / "rec"))
    async with _lab(media) as lab:
        await lab.add("alice")
        await lab.add("bob", internal=True, auto_answer=True)
        since = len(lab.events.items)
        call = await lab.backend.make_call("alice", lab.contacts["bob"])
        await lab.events.wait(call_is(call, CallState.CONNECTED), since=since)
        await lab.backend.hangup(call)
        await lab.events.wait(call_is(call, CallState.ENDED), since=since)
        await lab.backend.sync()
        assert [p.name for p in (tmp_path / "rec").glob("*.wav")] == [
            f"{p.name}" for p in (tmp_path / "rec").glob(f"*-{call}.wav")]
        assert len(list((tmp_path / "rec").glob("*.wav"))) == 1


async def test_play_missing_file(files_lab: Lab, tmp_path: Path) -> None:
    a, _ = await connect(files_lab)
    with pytest.raises(NotFound):
        await files_lab.backend.play_file(a, str(tmp_path / "nope.wav"))


async def test_loopback_echoes(pair: Lab) -> None:
    a, b = await connect(pair)
    await pair.backend.loopback(b)
    assert await wait_rx_packets(pair.backend, a, 25) >= 25


async def test_inband_dtmf_plays(pair: Lab) -> None:
    a, _ = await connect(pair)
    await pair.backend.send_dtmf(a, "5", DtmfMethod.INBAND)  # no detector in pjsua: must not raise


async def test_conference_needs_two_calls(pair: Lab) -> None:
    a, b = await connect(pair)
    with pytest.raises(UsageError):
        await pair.backend.conference([a])
    await pair.backend.conference([a, b])  # both legs bridged locally


async def test_conference_bridges_audio(tmp_path: Path) -> None:
    """alice calls bob and carol and bridges them: bob hears carol's 440 Hz tone."""
    silence, tone = tmp_path / "silence.wav", tmp_path / "tone.wav"
    write_tone(str(silence), 0, 1.0)
    write_tone(str(tone), 440, 2.0)
    async with _lab(MediaSettings(mode="files", play_file=str(silence))) as lab:
        for name in ("alice", "bob", "carol"):
            await lab.add(name)
        ab, ba = await connect(lab, "alice", "bob")
        ac, ca = await connect(lab, "alice", "carol")
        await lab.backend.play_file(ca, str(tone))
        await lab.backend.conference([ab, ac])
        heard = tmp_path / "bob.wav"
        await lab.backend.record_call(ba, str(heard))
        base = (await lab.backend.call_stats(ba)).rx_packets
        assert await wait_rx_packets(lab.backend, ba, base + 75) >= base + 75
        await lab.backend.hangup(ab)
        await lab.events.wait(call_is(ba, CallState.ENDED))
        await lab.backend.sync()
        freq, rms = dominant_freq(str(heard))
        assert rms > 300
        assert 400 < freq < 480


async def test_heard_only_recording_leaves_our_own_audio_out(files_lab: Lab,
                                                             tmp_path: Path) -> None:
    """alice plays 440 Hz (the lab's file), bob 880 Hz: alice's heard-only recording holds
    bob's 880 Hz and none of her own 440 Hz, which her full recording mixes in."""
    from tests.lab.tones import read_mono, tone_level
    from tuiphone.model.tone import measure

    a, b = await connect(files_lab)
    write_tone(str(tmp_path / "tone880.wav"), 880, 2.0)
    await files_lab.backend.play_file(b, str(tmp_path / "tone880.wav"))
    heard, both = tmp_path / "heard.wav", tmp_path / "both.wav"
    await files_lab.backend.record_call(a, str(heard), heard_only=True)
    await files_lab.backend.record_call(a, str(both))
    base = (await files_lab.backend.call_stats(a)).rx_packets
    assert await wait_rx_packets(files_lab.backend, a, base + 100) >= base + 100
    await files_lab.backend.hangup(a)
    await files_lab.events.wait(call_is(a, CallState.ENDED))
    await files_lab.backend.sync()
    assert await finished(files_lab.backend, heard) > 0
    reading = measure(heard)
    assert reading.freq_hz is not None
    assert abs(reading.freq_hz - 880) < 5
    own = [tone_level(*_tail(read_mono(p)), 440.0) for p in (heard, both)]
    assert own[1] > 500  # the full recording has alice's tone
    assert own[0] < own[1] / 20  # the heard-only one does not


def _tail(mono: tuple[list[int], int]) -> tuple[list[int], int]:
    samples, rate = mono
    return samples[rate // 2:], rate


async def test_a_calls_recording_ports_are_destroyed_when_its_ports_go(files_lab: Lab,
                                                                       tmp_path: Path) -> None:
    """A stopped recording and a running one: when the call's ports go, both recordings'
    bridge ports are destroyed there and then (C++ side), while their Python objects
    are whole. Left to the last Python reference, the clock thread could call a
    half-freed port (a later crash in the garbage collector)."""
    a, _b = await connect(files_lab)
    backend = files_lab.backend
    await backend.record_call(a, str(tmp_path / "first.wav"))
    await backend.stop_recording(a)
    await backend.record_call(a, str(tmp_path / "second.wav"))

    def taps(c: Core) -> list[CallTap]:
        ports = c.media.ports[c.calls.live(a).key]
        return [*ports.taps, *ports.retired]

    held = await backend.run_in_stack(taps)  # with the lab's own recording of every call
    assert len(held) == 3
    assert await backend.run_in_stack(lambda _c: [p.thisown for t in held
                                                  for p in (t.far, t.near)]) == [True] * 6
    await backend.hangup(a)
    await files_lab.events.wait(call_is(a, CallState.ENDED))
    await backend.sync()
    owned = await backend.run_in_stack(lambda _c: [p.thisown for t in held
                                                   for p in (t.far, t.near)])
    assert owned == [False] * 6


async def test_a_recording_is_complete_when_its_call_is_reported_ended(files_lab: Lab,
                                                                       tmp_path: Path) -> None:
    """The call's recordings are finished (header written, file closed) before its end is
    emitted: whoever reads them on seeing the call ended (``call --expect-tone``, a
    script) finds every frame, not a WAV that says it holds none."""
    a, _b = await connect(files_lab)
    backend = files_lab.backend
    path = tmp_path / "heard.wav"
    await backend.record_call(a, str(path), heard_only=True)
    base = (await backend.call_stats(a)).rx_packets
    assert await wait_rx_packets(backend, a, base + 25) >= base + 25
    closed_when_ended: list[bool] = []

    def look_when_ended(c: Core) -> None:
        emit = c.emit

        def emit_and_look(event: Event) -> None:
            if (isinstance(event, CallChanged) and event.call.id == a
                    and event.call.state is CallState.ENDED):
                ports = c.media.ports[a]
                taps = [*ports.taps, *ports.retired]
                closed_when_ended.append(bool(taps) and all(
                    t._wav is None for t in taps))  # noqa: SLF001 - closed, header written
            emit(event)

        c.emit = emit_and_look  # type: ignore[method-assign]

    await backend.run_in_stack(look_when_ended)
    await backend.hangup(a)
    await files_lab.events.wait(call_is(a, CallState.ENDED))
    assert closed_when_ended == [True]
    with wave.open(str(path)) as heard:
        assert heard.getnframes() > 0
