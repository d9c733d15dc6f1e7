"""Lamps we can light from our own calls (BLF lamps come from the engine later)."""

from __future__ import annotations

from collections.abc import Iterable

from tuiphone.model.call import CallInfo, CallState
from tuiphone.model.lamp import LampState
from tuiphone.ui.format import thread_key

_RANK = {LampState.IDLE: 0, LampState.RINGING: 1, LampState.HOLD: 2, LampState.BUSY: 3}


def call_lamp(call: CallInfo) -> LampState:
    if call.state is CallState.CONNECTED:
        return LampState.HOLD if call.on_hold else LampState.BUSY
    if call.state is CallState.ENDED:
        return LampState.IDLE
    return LampState.RINGING


def lamps_from_calls(calls: Iterable[CallInfo], echo_uri: str | None) -> dict[str, LampState]:
    """thread key -> lamp, the busiest state winning; the echo line also answers to 'echo'."""
    lamps: dict[str, LampState] = {}
    for call in calls:
        key, lamp = thread_key(call.remote_uri), call_lamp(call)
        if _RANK[lamp] >= _RANK.get(lamps.get(key, LampState.IDLE), 0):
            lamps[key] = lamp
    if echo_uri and thread_key(echo_uri) in lamps:
        lamps["echo"] = lamps[thread_key(echo_uri)]
    return lamps
