"""Calls placed back to back on every one of an engine's call slots, as a ``tuiphone
load`` worker places them (shared by the slot and socket tests)."""

from __future__ import annotations

import asyncio
import collections
from typing import Any

from tuiphone.load.drive import place
from tuiphone.load.watch import CallWatch
from tuiphone.load.wire import CallOrder
from tuiphone.sip.endpoint import MAX_CALLS


async def back_to_back(phone: Any, uri: str, calls: int, hold_s: float,
                       timeout_s: float = 120) -> collections.Counter[str]:
    """``calls`` calls to ``uri`` on MAX_CALLS lanes, each lane's next call starting as
    soon as its last one ended; each held ``hold_s``. Outcomes ("answered OK", ...)."""
    watch = CallWatch(phone)
    await watch.start()
    outcomes: collections.Counter[str] = collections.Counter()
    numbers = iter(range(1, calls + 1))

    async def lane() -> None:
        for n in numbers:
            order = CallOrder(n=n, uri=uri, account=None, duration_s=hold_s, timeout_s=10.0,
                              play=None)
            record = await place(phone, watch, order, 0, lambda _n, _state: None)
            outcomes[f"{record.outcome.value} {record.reason}".strip()] += 1

    try:
        await asyncio.wait_for(asyncio.gather(*(lane() for _ in range(MAX_CALLS))), timeout_s)
    finally:
        await watch.close()
    return outcomes
