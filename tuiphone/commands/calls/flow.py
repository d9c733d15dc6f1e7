"""The life of a test call, step by step, driven by the event feed."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

from tuiphone.engine.api import PhoneApi
from tuiphone.engine.feed import EventFeed
from tuiphone.model.call import CallInfo, CallState
from tuiphone.model.errors import Timeout
from tuiphone.model.events import CallChanged, DtmfReceived, Event, MediaProblem

PAUSE_S = 1.0  # what ',' means in a DTMF string
AUDIO_CHECK_S = 4.0  # --expect audio stays this long: the engine judges RTP after 3 s


async def wait_final(feed: EventFeed, call: CallInfo, timeout_s: float | None) -> CallInfo:
    """The call once CONNECTED or ENDED. Raises Timeout (the call is left to the caller)."""
    if call.state in (CallState.CONNECTED, CallState.ENDED):
        return call
    final = await feed.until(_state_of(call.id, CallState.CONNECTED, CallState.ENDED),
                             timeout_s, late="no final answer")
    if final is None:
        raise Timeout("the engine stopped before the call was answered")
    return final


def _state_of(call_id: str, *states: CallState) -> Callable[[Event], CallInfo | None]:
    """A match for ``EventFeed.until``: the call's snapshot once it is in one of ``states``."""

    def match(event: Event) -> CallInfo | None:
        if isinstance(event, CallChanged) and event.call.id == call_id \
                and event.call.state in states:
            return event.call
        return None

    return match


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
    """The call's ENDED snapshot (the last one known if the engine stops). Raises Timeout."""
    if call.state is CallState.ENDED:
        return call
    return await feed.until(_state_of(call.id, CallState.ENDED), timeout_s) or call
