"""A call's last RTP figures come with its end, whichever side hangs up, so history
gets them even when nobody polled the stats during the call."""

from __future__ import annotations

import asyncio

import pytest

from tests.sip.conftest import Lab
from tests.sip.helpers import call_is
from tests.sip.test_call_features import connect
from tuiphone.model.call import CallState
from tuiphone.model.events import CallChanged, CallStatsChanged

pytestmark = pytest.mark.pjsua


async def _received(lab: Lab, call_id: str, packets: int) -> int:
    """Until ``call_id`` has received ``packets`` RTP packets (bounded); the count."""
    async with asyncio.timeout(10):
        while (got := (await lab.backend.call_stats(call_id)).rx_packets) < packets:  # noqa: ASYNC110 - RTP counters have no event
            await asyncio.sleep(0.05)  # paces the poll; the condition is the wait
    return got


@pytest.mark.parametrize("side", ["us", "peer"])
async def test_final_stats_come_just_before_the_end(pair: Lab, side: str) -> None:
    a, b = await connect(pair)
    seen = await _received(pair, a, 10)
    since = len(pair.events.items)
    await pair.backend.hangup(a if side == "us" else b, 0)
    await pair.events.wait(call_is(a, CallState.ENDED), since=since)
    about_a = [e for e in pair.events.items[since:]
               if (isinstance(e, CallStatsChanged) and e.call_id == a)
               or (isinstance(e, CallChanged) and e.call.id == a)]
    final = next(i for i, e in enumerate(about_a) if isinstance(e, CallStatsChanged))
    ended = next(i for i, e in enumerate(about_a)
                 if isinstance(e, CallChanged) and e.call.state is CallState.ENDED)
    assert final < ended
    stats = about_a[final].stats
    assert stats.codec
    assert stats.rx_packets >= seen
