"""stats: a call's RTP figures now, or (--follow) each second until it ends."""

from __future__ import annotations

import argparse
from collections.abc import AsyncIterator
from typing import Any

from tuiphone.engine.api import PhoneApi
from tuiphone.engine.feed import EventFeed
from tuiphone.model.call import CallState, CallStats
from tuiphone.model.errors import NotFound, UsageError
from tuiphone.model.events import CallChanged, CallStatsChanged


def figures(call_id: str, stats: CallStats) -> dict[str, Any]:
    """What a person or a script watches: codec, loss, jitter, RTT, MOS."""
    sent = stats.rx_packets + stats.rx_lost
    return {
        "call": call_id,
        "codec": stats.codec,
        "rx_packets": stats.rx_packets,
        "rx_lost": stats.rx_lost,
        "loss_pct": round(100.0 * stats.rx_lost / sent, 2) if sent else 0.0,
        "jitter_ms": round(stats.rx_jitter_ms, 1),
        "rtt_ms": round(stats.rtt_ms, 1),
        "mos": stats.mos,
        "srtp": stats.srtp,
    }


def _the_call(phone: PhoneApi, wanted: str | None) -> str:
    connected = [c for c in phone.state().calls if c.state is CallState.CONNECTED]
    if wanted is not None:
        if not any(c.id == wanted for c in phone.state().calls):
            raise NotFound(f"no call {wanted!r}")
        return wanted
    if not connected:
        raise NotFound("no connected call")
    if len(connected) > 1:
        raise UsageError(f"several calls ({', '.join(c.id for c in connected)}); name one")
    return connected[0].id


async def stats(phone: PhoneApi, args: argparse.Namespace) -> AsyncIterator[dict[str, Any]]:
    async with EventFeed(phone) as feed:
        call_id = _the_call(phone, args.call)
        yield figures(call_id, await phone.call_stats(call_id))
        while args.follow and (event := await feed.next()) is not None:
            match event:
                case CallStatsChanged(call_id=cid, stats=fresh) if cid == call_id:
                    yield figures(call_id, fresh)
                case CallChanged(call=call) if call.id == call_id and (
                        call.state is CallState.ENDED):
                    return
                case _:
                    pass
