"""One call of a load run on a worker's engine: place it, time it, keep it up, measure
its RTP, hang up, and say what happened as a ``CallRecord``.

Runs on the worker's loop. Never raises for anything the call itself does: a refused,
unanswered or failed call is a record like any other.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable

from tuiphone.engine.api import PhoneApi
from tuiphone.load.watch import STOP, CallWatch, Item
from tuiphone.load.wire import CallOrder, CallRecord, Outcome
from tuiphone.model.call import CallInfo, CallState, CallStats
from tuiphone.model.errors import TuiphoneError

STATS_EVERY_S = 2.0  # RTP figures are read this often, so a far-end BYE keeps the last ones
ENDED_WAIT_S = 5.0  # after our hangup (BYE or CANCEL), for the call's end
StateHook = Callable[[int, str], None]  # (order number, "ringing" | "connected")


async def place(phone: PhoneApi, watch: CallWatch, order: CallOrder, worker: int,
                on_state: StateHook) -> CallRecord:
    started, t0 = time.time(), time.monotonic()
    try:
        info = await phone.call(order.uri, order.account)
    except TuiphoneError as err:
        return CallRecord(order.n, worker, order.account or "", Outcome.ERROR, started,
                          reason=str(err))
    queue = watch.claim(info.id)
    try:
        return await _Call(phone, queue, order, t0, on_state).run(info, worker, started)
    finally:
        watch.release(info.id)


class _Call:
    def __init__(self, phone: PhoneApi, queue: asyncio.Queue[Item], order: CallOrder,
                 t0: float, on_state: StateHook) -> None:
        self.phone, self.queue, self.order, self.t0 = phone, queue, order, t0
        self.on_state = on_state
        self.last: CallInfo | None = None
        self.pdd_ms: float | None = None
        self.setup_ms: float | None = None
        self.stats: CallStats | None = None

    async def run(self, info: CallInfo, worker: int, started: float) -> CallRecord:
        self.last = info
        outcome = await self._until_final()
        answer = self.current
        if outcome is Outcome.ANSWERED:
            await self._connected()
        return _record(self.order.n, worker, started, outcome, answer, self.current,
                       self.pdd_ms, self.setup_ms, self.stats)

    @property
    def current(self) -> CallInfo:
        assert self.last is not None
        return self.last

    async def _next(self, timeout_s: float) -> Item:
        """The call's next snapshot (or STOP). Raises TimeoutError."""
        async with asyncio.timeout(max(0.0, timeout_s)):
            return await self.queue.get()

    def _ms(self, seen_at: float) -> float:
        return round((seen_at - self.t0) * 1000, 2)

    async def _until_final(self) -> Outcome:
        deadline = self.t0 + self.order.timeout_s
        while True:
            try:
                item = await self._next(deadline - time.monotonic())
            except TimeoutError:
                await self._end()
                return Outcome.TIMEOUT
            if item is STOP:
                await self._end()
                return Outcome.CANCELLED
            seen_at, self.last = item
            state = self.last.state
            if state is CallState.RINGING and self.pdd_ms is None:
                self.pdd_ms = self._ms(seen_at)
                self.on_state(self.order.n, "ringing")
            elif state is CallState.CONNECTED:
                self.setup_ms = self._ms(seen_at)
                self.pdd_ms = self.pdd_ms if self.pdd_ms is not None else self.setup_ms
                self.on_state(self.order.n, "connected")
                return Outcome.ANSWERED
            elif state is CallState.ENDED:
                self.pdd_ms = self.pdd_ms if self.pdd_ms is not None else self._ms(seen_at)
                return Outcome.FAILED

    async def _connected(self) -> None:
        call_id = self.current.id
        if self.order.play:
            with contextlib.suppress(TuiphoneError):
                await self.phone.play(call_id, self.order.play)
        end = time.monotonic() + self.order.duration_s
        while (left := end - time.monotonic()) > 0:
            try:
                item = await self._next(min(left, STATS_EVERY_S))
            except TimeoutError:
                await self._refresh()
                continue
            if item is STOP:
                break
            self.last = item[1]
            if self.last.state is CallState.ENDED:
                return  # the far end hung up: the last figures read stand
        await self._refresh()
        await self._end()

    async def _refresh(self) -> None:
        with contextlib.suppress(TuiphoneError):
            self.stats = await self.phone.call_stats(self.current.id)

    async def _end(self) -> None:
        """Hang up (CANCEL before the answer, BYE after) and wait, bounded, for the end."""
        hung_up = await self._hang_up()
        deadline = time.monotonic() + ENDED_WAIT_S
        while self.current.state is not CallState.ENDED:
            try:
                item = await self._next(deadline - time.monotonic())
            except TimeoutError:
                return
            if item is not STOP:
                self.last = item[1]
                hung_up = hung_up or await self._hang_up()

    async def _hang_up(self) -> bool:
        """False when the engine does not know the call yet (a stop right after dialing
        can come before the engine has seen the call's first event): try again on the
        next snapshot, which the engine has seen by then."""
        if self.current.state is CallState.ENDED:
            return True
        try:
            await self.phone.hangup(self.current.id)
        except TuiphoneError:
            return False
        return True


def _record(n: int, worker: int, started: float, outcome: Outcome, answer: CallInfo,
            last: CallInfo, pdd_ms: float | None, setup_ms: float | None,
            stats: CallStats | None) -> CallRecord:
    """``answer`` is the snapshot that decided the outcome (its code is the final
    response), ``last`` the latest one (with the end time)."""
    s = stats or CallStats()
    duration = 0.0
    if outcome is Outcome.ANSWERED and last.answered is not None:
        duration = max(0.0, (last.ended or time.time()) - last.answered)
    code, reason = (answer.code, answer.reason) if outcome in (
        Outcome.ANSWERED, Outcome.FAILED) else (last.code, last.reason)
    return CallRecord(
        n=n, worker=worker, account=answer.account_id, outcome=outcome, started=started,
        code=code, reason=reason, sip_call_id=last.sip_call_id or answer.sip_call_id,
        pdd_ms=pdd_ms, setup_ms=setup_ms, duration_s=round(duration, 3), codec=s.codec,
        rx_packets=s.rx_packets, rx_lost=s.rx_lost, rx_jitter_ms=s.rx_jitter_ms,
        tx_packets=s.tx_packets, rtt_ms=s.rtt_ms, mos=s.mos,
    )
