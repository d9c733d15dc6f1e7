"""The tuned idle recipe, checked by thread names (deterministic, unlike CPU %):
no pjmedia "media" worker ever, and the null device's "clock" only during calls."""

from __future__ import annotations

import asyncio
import os

import pytest

from tests.sip.conftest import Lab
from tests.sip.helpers import call_is
from tests.sip.test_call_features import connect
from tuiphone.model.call import CallState

pytestmark = pytest.mark.pjsua


def thread_names() -> list[str]:
    names = []
    for tid in os.listdir("/proc/self/task"):
        try:
            with open(f"/proc/self/task/{tid}/comm") as f:
                names.append(f.read().strip())
        except OSError:
            continue  # the thread exited meanwhile
    return names


async def named(name: str, present: bool, timeout: float) -> bool:  # noqa: ASYNC109
    """Poll until a thread called ``name`` exists (or, ``present`` False, none does): an
    OS-level state with no event to await. A new thread names itself once it runs."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while (name in thread_names()) is not present:
        if loop.time() > deadline:
            return False
        await asyncio.sleep(0.02)
    return True


async def test_clock_runs_only_during_calls(pair: Lab) -> None:
    assert "media" not in thread_names()
    assert "clock" not in thread_names()
    a, b = await connect(pair)
    assert await named("clock", True, timeout=10.0)
    await pair.backend.hangup(a)
    await pair.events.wait(call_is(a, CallState.ENDED))
    await pair.events.wait(call_is(b, CallState.ENDED))
    # both legs dropped: the sound device closes after a grace of a few clock ticks (the
    # conference removes the calls' ports, and closes their recordings, on those ticks)
    deadline = asyncio.get_running_loop().time() + 10
    while await pair.backend.run_in_stack(lambda core: core.stack.sound_on):
        assert asyncio.get_running_loop().time() < deadline, "the sound device stayed open"
        await pair.backend.sync()
    # the clock thread exits asynchronously once the device is closed
    assert await named("clock", False, timeout=10.0)
    assert "media" not in thread_names()
