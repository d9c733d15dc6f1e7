"""A local conference against two baresip instances: tuiphone (alice, playing 660 Hz)
calls carol (880 Hz), holds her, calls dave (440 Hz) and joins them. Each party hears
the other two (measured on baresip's received audio); a call taken out hears only us;
a split holds both calls."""

from __future__ import annotations

import asyncio

import pjsua2  # noqa: F401 - a hard dependency: missing, the lab must fail, not skip
import pytest

from tests.lab import procs
from tests.lab.baresip import Baresip
from tests.lab.engine_harness import Watch, lab_account
from tests.lab.tones import dominant_freq, tail_samples, tone_level, write_tone
from tuiphone.model.account import RegState
from tuiphone.model.backend import BackendSettings, MediaSettings
from tuiphone.model.call import CallState, MediaState
from tuiphone.model.events import CallChanged

pytestmark = [pytest.mark.lab, pytest.mark.pjsua]
RATE = 8000
OURS, CAROL, DAVE = 660, 880, 440


def heard(bs: Baresip, seconds: float = 1.0) -> list[int]:
    """What ``bs`` receives from now on: waits until ``seconds`` more (plus a margin
    for its jitter buffer) are in its dump, then returns the last ``seconds``."""
    (wav,) = bs.received_wavs()
    need = wav.stat().st_size + int((seconds + 0.5) * RATE * 2)
    procs.wait_for(lambda: wav.stat().st_size >= need, bs.proc, 20, f"audio at {bs.user}")
    return tail_samples(wav, seconds, RATE)


def levels(samples: list[int]) -> dict[int, float]:
    return {f: tone_level(samples, RATE, f) for f in (OURS, CAROL, DAVE)}


def flag(call_id: str, conference: bool):  # type: ignore[no-untyped-def]
    return lambda e: (isinstance(e, CallChanged) and e.call.id == call_id
                      and e.call.conference is conference)


async def test_conference_add_remove_split(kamailio, baresip_factory, phone_factory, tmp_path):
    """baresip 1.0 stops writing its received-audio dump after a re-INVITE, so only
    carol's ears are measured once a hold has happened (she is never held before)."""
    carol = baresip_factory(kamailio.port, "carol", tone_hz=CAROL)
    dave = baresip_factory(kamailio.port, "dave", tone_hz=DAVE)
    tone = write_tone(tmp_path / "ours.wav", OURS, seconds=60)
    media = MediaSettings(mode="files", play_file=str(tone))
    phone = await phone_factory(lab_account(kamailio, "alice"),
                                backend=BackendSettings(media=media))
    watch = Watch(phone)
    assert (await watch.settled(phone, "alice")).reg_state is RegState.REGISTERED
    to_carol = await phone.call("carol")
    await watch.call_state(to_carol.id, CallState.CONNECTED)
    to_dave = await phone.call("dave")
    await watch.call_state(to_dave.id, CallState.CONNECTED)

    # add, no calls named: every connected call
    assert set(await phone.conference(())) == {to_carol.id, to_dave.id}
    await watch.wait(flag(to_carol.id, True))
    await watch.wait(flag(to_dave.id, True))
    at_carol, at_dave = await asyncio.gather(asyncio.to_thread(heard, carol),
                                             asyncio.to_thread(heard, dave))
    carol_hears, dave_hears = levels(at_carol), levels(at_dave)
    assert carol_hears[DAVE] > 10 * carol_hears[CAROL], carol_hears  # dave reaches carol
    assert carol_hears[OURS] > 10 * carol_hears[CAROL], carol_hears  # and so do we
    assert dave_hears[CAROL] > 10 * dave_hears[DAVE], dave_hears
    assert dave_hears[OURS] > 10 * dave_hears[DAVE], dave_hears

    # remove dave: he is held, the conference (of one) is over, carol hears only us
    assert await phone.leave_conference((to_dave.id,)) == (to_dave.id,)
    await watch.wait(flag(to_carol.id, False))
    await watch.wait(held(to_dave.id))
    alone = await asyncio.to_thread(heard, carol)
    assert abs(dominant_freq(alone, RATE) - OURS) < 25
    assert levels(alone)[DAVE] < carol_hears[DAVE] / 10

    # every connected call again: dave is resumed on the way in (a new stream, linked)
    assert set(await phone.conference(())) == {to_carol.id, to_dave.id}
    await watch.wait(flag(to_dave.id, True))
    await watch.wait(lambda e: isinstance(e, CallChanged) and e.call.id == to_dave.id
                     and e.call.media is MediaState.ACTIVE)
    again = levels(await asyncio.to_thread(heard, carol))
    assert again[DAVE] > 10 * again[CAROL], again

    # split: both out of the conference, both held
    assert set(await phone.leave_conference(())) == {to_carol.id, to_dave.id}
    for call_id in (to_carol.id, to_dave.id):
        await watch.wait(held(call_id))
    assert not any(c.conference for c in phone.state().calls)


def held(call_id: str):  # type: ignore[no-untyped-def]
    return lambda e: (isinstance(e, CallChanged) and e.call.id == call_id
                      and e.call.media is MediaState.LOCAL_HOLD and not e.call.conference)
