"""The life of a test call, step by step, driven by the event feed."""

from __future__ import annotations

import asyncio
import time

from tuiphone.engine.api import PhoneApi
from tuiphone.engine.feed import EventFeed
from tuiphone.model.call import CallInfo, CallState
from tuiphone.model.errors import Timeout
from tuiphone.model.events import CallChanged, DtmfReceived, MediaProblem

PAUSE_S = 1.0  # what ',' means in a DTMF string
AUDIO_CHECK_S = 4.0  # --expect audio stays this long: the engine judges RTP after 3 s


async def wait_final(feed: EventFeed, call: CallInfo, timeout_s: float | None) -> CallInfo:
    """The call once CONNECTED or ENDED. Raises Timeout (the call is left to the caller)."""
    deadline = None if timeout_s is None else time.monotonic() + timeout_s
    while call.state not in (CallState.CONNECTED, CallState.ENDED):
        left = None if deadline is None else max(0.0, deadline - time.monotonic())
        try:
            event = await feed.next(left)
        except Timeout:
            raise Timeout(f"no final answer within {timeout_s:g} s") from None
        if event is None:
            raise Timeout("the engine stopped before the call was answered")
        if isinstance(event, CallChanged) and event.call.id == call.id:
            call = event.call
    return call


async def send_dtmf(phone: PhoneApi, call_id: str, digits: str) -> None:
    """Send ``digits``; each ``,`` waits one second first."""
    for i, chunk in enumerate(digits.split(",")):
        if i:
            await asyncio.sleep(PAUSE_S)
        if chunk:
            await phone.dtmf(chunk, call_id)


async def stay(feed: EventFeed, call_id: str, seconds: float, received: list[str],
               problems: list[MediaProblem] | None = None) -> bool:
    """Collect DTMF (and MediaProblems) for ``seconds``; False if the call ended first."""
    deadline = time.monotonic() + seconds
    while (left := deadline - time.monotonic()) > 0:
        try:
            event = await feed.next(left)
        except Timeout:
            return True
        if event is None:
            return False
        if isinstance(event, DtmfReceived) and event.call_id == call_id:
            received.append(event.digit)
        elif isinstance(event, MediaProblem) and event.call_id == call_id and problems is not None:
            problems.append(event)
        elif (isinstance(event, CallChanged) and event.call.id == call_id
              and event.call.state is CallState.ENDED):
            return False
    return True


def dtmf_duration(digits: str) -> float:
    return PAUSE_S * digits.count(",")


async def wait_ended(feed: EventFeed, call: CallInfo, timeout_s: float) -> CallInfo:
    """The call's ENDED snapshot. Raises Timeout."""
    deadline = time.monotonic() + timeout_s
    while call.state is not CallState.ENDED:
        event = await feed.next(max(0.0, deadline - time.monotonic()))
        if event is None:
            return call
        if isinstance(event, CallChanged) and event.call.id == call.id:
            call = event.call
    return call
