"""Calls begun faster than pjsip frees their sockets.

RTP shares pjsip's ioqueue, which has 64 sockets, and a closed one is free again only
500 ms later. Before the guard (``sip/ioqueue_room.py``), about 55 calls begun within
half a second used them all and pjlib aborted the whole process (an assertion in
``pj_ioqueue_register_sock2``, measured with this test and ``bench/net_bench.py``). Now a
call waits (bounded) until sockets are back, and a peer's INVITE gets 503 (see
test_hostile_sip.py's churn test).
"""

from __future__ import annotations

import asyncio
import logging

import pjsua2  # noqa: F401 - a hard dependency: missing, these must fail, not skip
import pytest

from tests.lab.engine_harness import direct_account
from tests.lab.lanes import back_to_back

pytestmark = [pytest.mark.lab]

CALLS = 120  # four lanes, each hanging up as soon as its call is answered


async def test_calls_begun_faster_than_sockets_free_all_connect(phone_factory, sipp_factory,
                                                                caplog):
    caplog.set_level(logging.WARNING, logger="tuiphone")
    uas = sipp_factory.uas(calls=CALLS)
    uas.wait_ready()
    phone = await phone_factory(direct_account())
    started = asyncio.get_running_loop().time()
    outcomes = await back_to_back(phone, f"sip:svc@{uas.uri_host}", CALLS, 0.0)
    took = asyncio.get_running_loop().time() - started
    print(f"{CALLS} calls in {took:.2f} s")
    assert outcomes == {"answered OK": CALLS}
    assert uas.wait(30) == 0
    assert not [r for r in caplog.records if "socket guard off" in r.getMessage()]
