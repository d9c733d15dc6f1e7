"""One-way audio: when the engine says so, and what it names as the cause."""

from __future__ import annotations

import asyncio

from tuiphone.engine.media_check import CallFacts, MediaCheck, diagnose
from tuiphone.model.call import CallInfo, CallState, CallStats, Direction
from tuiphone.model.events import CallChanged, Event, MediaProblem


def stats(local: str, remote: str, tx: int = 150, rx: int = 0) -> CallStats:
    return CallStats(tx_packets=tx, rx_packets=rx, local_rtp=local, remote_rtp=remote)


def test_behind_nat_when_our_sdp_is_not_our_interface() -> None:
    cause, hint = diagnose(stats("198.18.9.1:4000", "198.18.8.2:5004"),
                           CallFacts("192.168.77.2"))
    assert cause == "NAT"
    assert "192.168.77.2" in hint
    assert "relay" in hint
    assert "ice" in hint


def test_private_address_offered_to_a_public_peer() -> None:
    cause, _ = diagnose(stats("192.168.1.5:4000", "203.0.113.9:5004"), CallFacts())
    assert cause == "NAT"


def test_peer_offers_a_private_address() -> None:
    cause, hint = diagnose(stats("203.0.113.7:4000", "10.1.2.3:5004"), CallFacts())
    assert cause == "wrong address in the peer's SDP"
    assert "10.1.2.3" in hint


def test_ipv6_media_is_named() -> None:
    assert diagnose(stats("[2001:db8::1]:4000", "[2001:db8::2]:5004"), CallFacts())[0] == (
        "IPv6 media")


def test_ice_and_firewall() -> None:
    assert diagnose(stats("198.18.0.1:4000", "198.18.0.2:5004"), CallFacts(ice=True))[0] == (
        "ICE found no path")
    cause, hint = diagnose(stats("198.18.0.1:4000", "198.18.0.2:5004"),
                           CallFacts("198.18.0.1"))
    assert cause == "firewall"
    assert "198.18.0.1:4000" in hint


def connected(call_id: str, state: CallState = CallState.CONNECTED) -> CallChanged:
    return CallChanged(CallInfo(call_id, "a", Direction.OUTGOING, "sip:b@x", state))


async def watch(counters: list[CallStats]) -> list[Event]:
    seen: list[Event] = []
    feed = iter(counters)

    async def read(_call_id: str) -> CallStats:
        return next(feed, counters[-1])

    check = MediaCheck(read, lambda _c: CallFacts("198.18.0.1"), seen.append,
                       after_s=0.01, give_up_s=5)
    check.on_event(connected("c1"))
    task = check._tasks["c1"]
    await asyncio.wait_for(asyncio.shield(task), 5)
    return seen


async def test_rtp_sent_none_received_raises_one_problem() -> None:
    seen = await watch([stats("198.18.0.1:4000", "198.18.0.2:5004")])
    assert len(seen) == 1
    assert isinstance(seen[0], MediaProblem)
    assert (seen[0].call_id, seen[0].tx_packets, seen[0].rx_packets) == ("c1", 150, 0)


async def test_two_way_audio_raises_nothing() -> None:
    assert await watch([stats("198.18.0.1:4000", "198.18.0.2:5004", rx=140)]) == []


async def test_waits_while_nothing_is_sent_yet() -> None:
    quiet = stats("198.18.0.1:4000", "198.18.0.2:5004", tx=0)
    seen = await watch([quiet, quiet, stats("198.18.0.1:4000", "198.18.0.2:5004", rx=3)])
    assert seen == []


async def test_ended_call_stops_the_check() -> None:
    async def never(_call_id: str) -> CallStats:
        raise AssertionError("must not be read")

    check = MediaCheck(never, lambda _c: CallFacts(), lambda _e: None, after_s=10)
    check.on_event(connected("c1"))
    task = check._tasks["c1"]
    check.on_event(connected("c1", CallState.ENDED))
    await asyncio.gather(task, return_exceptions=True)
    assert task.cancelled()
