"""Handoff: the pjsip thread's events reach the loop in order, one hop per burst."""

from __future__ import annotations

import asyncio
import threading

from tuiphone.sip.handoff import Handoff


async def _settled(handoff: Handoff) -> None:
    """Everything put so far has run (a marker put last runs last)."""
    done = asyncio.Event()
    handoff.put(lambda _: done.set(), None)
    await asyncio.wait_for(done.wait(), 5)


async def test_a_held_burst_is_one_hop_in_order():
    loop = asyncio.get_running_loop()
    handoff = Handoff(loop)
    got: list[object] = []

    def burst() -> None:
        with handoff.held():
            for i in range(55):  # a call's worth of log lines and events
                handoff.put(got.append, i)

    thread = threading.Thread(target=burst)
    thread.start()
    await asyncio.to_thread(thread.join)
    assert handoff.hops == 1
    await _settled(handoff)
    assert got == list(range(55))
    assert handoff.items == 56  # and the marker


async def test_items_outside_a_hold_leave_at_once():
    loop = asyncio.get_running_loop()
    handoff = Handoff(loop)
    got: list[object] = []
    done = asyncio.Event()
    handoff.put(got.append, "a")
    handoff.put(lambda _: done.set(), None)
    await asyncio.wait_for(done.wait(), 5)
    assert got == ["a"]
    assert handoff.hops == 1  # the second rode along with the first


async def test_another_threads_items_are_not_held():
    """Only the holding thread's items wait: a put from elsewhere is never delayed by a
    long libHandleEvents wait."""
    loop = asyncio.get_running_loop()
    handoff = Handoff(loop)
    got: list[object] = []
    inside, release = threading.Event(), threading.Event()

    def holder() -> None:
        with handoff.held():
            inside.set()
            release.wait(10)

    thread = threading.Thread(target=holder)
    thread.start()
    await asyncio.to_thread(inside.wait, 10)
    arrived = asyncio.Event()
    handoff.put(lambda v: (got.append(v), arrived.set()), "other")
    await asyncio.wait_for(arrived.wait(), 5)  # while the holder still holds
    release.set()
    await asyncio.to_thread(thread.join)
    assert got == ["other"]


async def test_a_failing_handler_does_not_lose_the_rest(caplog):
    loop = asyncio.get_running_loop()
    handoff = Handoff(loop)
    got: list[object] = []

    def boom(_: object) -> None:
        raise ValueError("bug")

    with handoff.held():
        handoff.put(boom, None)
        handoff.put(got.append, "after")
    await _settled(handoff)
    assert got == ["after"]
    assert "event handler failed" in caplog.text


def test_a_closed_loop_drops_quietly():
    loop = asyncio.new_event_loop()
    loop.close()
    handoff = Handoff(loop)
    handoff.put(print, "never")
    assert handoff.hops == 0
    handoff.put(print, "again")  # not stuck in "scheduled"
    assert handoff.hops == 0
