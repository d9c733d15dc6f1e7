"""``wait call incoming --answer``: answer the call that rang, then act as ``call`` does
once connected (play, record, stay ``--duration``, hang up, report). For test bots."""

from __future__ import annotations

import argparse
import time
from typing import Any

from tuiphone.commands.calls import flow, report
from tuiphone.commands.calls.call import connected_phase
from tuiphone.engine.api import PhoneApi
from tuiphone.engine.feed import EventFeed
from tuiphone.model.call import CallInfo, CallState

ANSWER_TIMEOUT_S = 10.0  # from our 200 OK to the caller's ACK


async def answer_and_act(phone: PhoneApi, feed: EventFeed, call: CallInfo,
                         args: argparse.Namespace) -> dict[str, Any]:
    """The report of the answered call (as ``call`` gives it). Raises Timeout."""
    started = time.monotonic()
    await phone.answer(call.id)
    final = await flow.wait_final(feed, call, ANSWER_TIMEOUT_S)
    setup_ms = (time.monotonic() - started) * 1000
    if final.state is CallState.ENDED:
        return report.report(call.remote_uri, final, None, None, "", "failed")
    acts = argparse.Namespace(uri=call.remote_uri, play=args.play, record=args.record,
                              dtmf=None, duration=args.duration, expect=None)
    return await connected_phase(phone, feed, acts, final, setup_ms)
