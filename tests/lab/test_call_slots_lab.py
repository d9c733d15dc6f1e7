"""A call placed the moment another one ends gets that call's slot.

pjsua reports a call's end before it frees the call's slot (on a later pass of its
event loop), so an engine with four calls up that placed a call as soon as one ended
got PJ_ETOOMANY: 35 of 200 calls in one run, as a ``tuiphone load`` worker does it.
And a new call that took an ended call's slot before the ended call's wrapper was
dropped was hung up by that wrapper's destructor (CANCEL right after the INVITE, then
no event: the call timed out), about 1 call in 300.
"""

from __future__ import annotations

import pjsua2  # noqa: F401 - a hard dependency: missing, these must fail, not skip
import pytest

from tests.lab.engine_harness import direct_account
from tests.lab.lanes import back_to_back

pytestmark = [pytest.mark.lab]

CALLS = 60
HOLD_S = 0.15  # four lanes then start about 25 calls a second: under an engine's socket limit


async def test_back_to_back_calls_on_every_slot_all_connect(phone_factory, sipp_factory):
    uas = sipp_factory.uas(calls=CALLS)
    uas.wait_ready()
    phone = await phone_factory(direct_account())
    outcomes = await back_to_back(phone, f"sip:svc@{uas.uri_host}", CALLS, HOLD_S)
    assert outcomes == {"answered OK": CALLS}
    assert uas.wait(30) == 0
