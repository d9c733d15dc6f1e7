"""Pacing: call ``n`` is due ``(n - 1) / rate`` seconds after the start, and waits for
a free slot when ``concurrent`` calls are already up (so a slow trunk lowers the real
rate, as with SIPp's ``-l``). ``stop`` ends the pacing; calls already placed are
left to their workers, which hang them up when told to stop.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from tuiphone.load.plan import LoadPlan
from tuiphone.load.pool import Pool
from tuiphone.load.wire import CallOrder, CallRecord

RecordHook = Callable[[CallRecord], None]


async def run_calls(plan: LoadPlan, pool: Pool, stop: asyncio.Event,
                    on_placed: Callable[[], None], on_record: RecordHook) -> None:
    """Place the plan's calls; return when every placed call has its record."""
    loop = asyncio.get_running_loop()
    t0 = loop.time()
    slots = asyncio.Semaphore(plan.concurrent)
    placed: list[asyncio.Future[CallRecord]] = []

    def finished(future: asyncio.Future[CallRecord]) -> None:
        slots.release()
        if not future.cancelled():
            on_record(future.result())

    for n in range(1, plan.calls + 1):
        if not await _wait(stop, t0 + (n - 1) / plan.rate - loop.time()):
            break
        if not await _acquire(slots, stop):
            break
        future = pool.least_busy().place(_order(plan, n))
        future.add_done_callback(finished)
        placed.append(future)
        on_placed()
    await asyncio.gather(*placed)


def _order(plan: LoadPlan, n: int) -> CallOrder:
    return CallOrder(n=n, uri=plan.uri, account=plan.account_for(n),
                     duration_s=plan.duration_s, timeout_s=plan.timeout_s, play=plan.play)


async def _wait(stop: asyncio.Event, seconds: float) -> bool:
    """Wait ``seconds``; False if ``stop`` is set first (or already)."""
    if stop.is_set():
        return False
    if seconds <= 0:
        return True
    try:
        await asyncio.wait_for(stop.wait(), seconds)
    except TimeoutError:
        return True
    return False


async def _acquire(slots: asyncio.Semaphore, stop: asyncio.Event) -> bool:
    """Take a slot; False (holding none) if ``stop`` is set first."""
    if not slots.locked():
        await slots.acquire()
        return not _gave_back(slots, stop)
    take = asyncio.ensure_future(slots.acquire())
    halt = asyncio.ensure_future(stop.wait())
    await asyncio.wait((take, halt), return_when=asyncio.FIRST_COMPLETED)
    halt.cancel()
    if not take.done():
        take.cancel()
        return False
    return not _gave_back(slots, stop)


def _gave_back(slots: asyncio.Semaphore, stop: asyncio.Event) -> bool:
    """After taking a slot: give it back if the run stopped meanwhile."""
    if stop.is_set():
        slots.release()
        return True
    return False
