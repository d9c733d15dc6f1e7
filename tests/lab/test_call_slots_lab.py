"""A call placed the moment another one ends gets that call's slot.

pjsua reports a call's end before it frees the call's slot (on a later pass of its
event loop), so an engine with four calls up that placed a call as soon as one ended
got PJ_ETOOMANY: 35 of 200 calls in one run, as a ``tuiphone load`` worker does it.
And a new call that took an ended call's slot before the ended call's wrapper was
dropped was hung up by that wrapper's destructor (CANCEL right after the INVITE, then
no event: the call timed out), about 1 call in 300.
"""

from __future__ import annotations

import asyncio
import collections

import pjsua2  # noqa: F401 - a hard dependency: missing, these must fail, not skip
import pytest

from tests.lab.engine_harness import direct_account
from tuiphone.load.drive import place
from tuiphone.load.watch import CallWatch
from tuiphone.load.wire import CallOrder
from tuiphone.sip.endpoint import MAX_CALLS

pytestmark = [pytest.mark.lab]

CALLS = 60
HOLD_S = 0.15  # four lanes then start about 25 calls a second: under an engine's socket limit


async def test_back_to_back_calls_on_every_slot_all_connect(phone_factory, sipp_factory):
    uas = sipp_factory.uas(calls=CALLS)
    uas.wait_ready()
    phone = await phone_factory(direct_account())
    watch = CallWatch(phone)
    await watch.start()
    outcomes: collections.Counter[str] = collections.Counter()
    numbers = iter(range(1, CALLS + 1))

    async def lane() -> None:
        for n in numbers:  # the next call starts as soon as this lane's last one ended
            order = CallOrder(n=n, uri=f"sip:svc@{uas.uri_host}", account=None,
                              duration_s=HOLD_S, timeout_s=10.0, play=None)
            record = await place(phone, watch, order, 0, lambda _n, _state: None)
            outcomes[f"{record.outcome.value} {record.reason}".strip()] += 1

    try:
        await asyncio.wait_for(asyncio.gather(*(lane() for _ in range(MAX_CALLS))), 120)
    finally:
        await watch.close()
    assert outcomes == {"answered OK": CALLS}
    assert uas.wait(30) == 0
