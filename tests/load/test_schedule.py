"""Pacing and the concurrency cap, on a pool whose calls end when the test says."""

from __future__ import annotations

import asyncio
import time

from tuiphone.load.plan import LoadPlan
from tuiphone.load.schedule import run_calls
from tuiphone.load.wire import CallOrder, CallRecord, Outcome


class FakeWorker:
    """Places calls into ``up``; ``end_one`` ends the oldest."""

    def __init__(self) -> None:
        self.up: list[tuple[CallOrder, asyncio.Future[CallRecord]]] = []
        self.orders: list[CallOrder] = []
        self.placed_at: list[float] = []
        self.most_up = 0
        self.changed = asyncio.Event()

    def place(self, order: CallOrder) -> asyncio.Future[CallRecord]:
        future: asyncio.Future[CallRecord] = asyncio.get_running_loop().create_future()
        self.up.append((order, future))
        self.orders.append(order)
        self.placed_at.append(time.monotonic())
        self.most_up = max(self.most_up, len(self.up))
        self.changed.set()
        return future

    def end_one(self) -> None:
        order, future = self.up.pop(0)
        future.set_result(CallRecord(order.n, 0, "a", Outcome.ANSWERED, 1.0))

    async def placed(self, count: int) -> None:
        async with asyncio.timeout(10):
            while len(self.orders) < count:
                self.changed.clear()
                await self.changed.wait()


class FakePool:
    def __init__(self) -> None:
        self.worker = FakeWorker()

    def least_busy(self) -> FakeWorker:
        return self.worker


async def test_never_more_than_concurrent_calls_up_and_every_record_comes_back():
    pool, records = FakePool(), []
    plan = LoadPlan("sip:x@192.0.2.1", calls=6, rate=1e6, concurrent=2,
                    accounts=("a", "b"))
    run = asyncio.ensure_future(run_calls(plan, pool, asyncio.Event(), lambda: None,
                                          records.append))  # type: ignore[arg-type]
    for placed in range(2, 7):
        await pool.worker.placed(placed)
        assert len(pool.worker.up) == 2
        pool.worker.end_one()
    await pool.worker.placed(6)
    while pool.worker.up:
        pool.worker.end_one()
    await asyncio.wait_for(run, 10)
    assert pool.worker.most_up == 2
    assert sorted(r.n for r in records) == [1, 2, 3, 4, 5, 6]
    assert [o.account for o in pool.worker.orders] == ["a", "b"] * 3
    assert pool.worker.orders[0].duration_s == plan.duration_s


async def test_calls_are_paced_at_the_rate():
    pool = FakePool()
    plan = LoadPlan("u", calls=3, rate=20.0, concurrent=3, duration_s=0)
    run = asyncio.ensure_future(run_calls(plan, pool, asyncio.Event(), lambda: None,
                                          lambda r: None))  # type: ignore[arg-type]
    await pool.worker.placed(3)
    at = pool.worker.placed_at
    assert at[2] - at[0] >= 0.1 - 0.005  # due at 0, 50 and 100 ms
    while pool.worker.up:
        pool.worker.end_one()
    await asyncio.wait_for(run, 10)


async def test_stop_places_no_more_calls_and_waits_for_those_up():
    pool, stop = FakePool(), asyncio.Event()
    plan = LoadPlan("u", calls=10, rate=1e6, concurrent=3)
    count = [0]

    def placed() -> None:
        count[0] += 1
        if count[0] == 2:
            stop.set()

    run = asyncio.ensure_future(run_calls(plan, pool, stop, placed,
                                          lambda r: None))  # type: ignore[arg-type]
    await pool.worker.placed(2)
    assert not run.done()  # two calls still up
    while pool.worker.up:
        pool.worker.end_one()
    await asyncio.wait_for(run, 10)
    assert len(pool.worker.orders) == 2


async def test_stop_while_waiting_for_a_slot():
    pool, stop = FakePool(), asyncio.Event()
    plan = LoadPlan("u", calls=10, rate=1e6, concurrent=1)
    run = asyncio.ensure_future(run_calls(plan, pool, stop, lambda: None,
                                          lambda r: None))  # type: ignore[arg-type]
    await pool.worker.placed(1)
    stop.set()
    pool.worker.end_one()
    await asyncio.wait_for(run, 10)
    assert len(pool.worker.orders) == 1
