"""ReachabilityCache: expiry, rate limit, shared probes, failing probes. Fake clock."""

from __future__ import annotations

import asyncio

from tuiphone.contacts.reachability import ReachabilityCache


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class Probe:
    def __init__(self, answers: dict[str, bool]) -> None:
        self.answers = answers
        self.calls: list[str] = []
        self.gate: asyncio.Event | None = None
        self.started = asyncio.Event()

    async def __call__(self, uri: str) -> bool:
        self.calls.append(uri)
        self.started.set()
        if self.gate is not None:
            await self.gate.wait()
        if uri not in self.answers:
            raise OSError("no route")
        return self.answers[uri]


async def test_answers_are_cached_until_they_expire() -> None:
    clock, probe = Clock(), Probe({"sip:a@x": True})
    cache = ReachabilityCache(probe, ttl_s=60, clock=clock)
    first = await cache.check("sip:a@x")
    assert first is not None
    assert first.reachable is True
    assert await cache.check("sip:a@x") == first
    clock.now += 59
    assert cache.get("sip:a@x") == first
    clock.now += 2
    assert cache.get("sip:a@x") is None
    await cache.check("sip:a@x")
    assert probe.calls == ["sip:a@x", "sip:a@x"]


async def test_failing_probe_is_unknown_with_a_shorter_ttl() -> None:
    clock, probe = Clock(), Probe({})
    cache = ReachabilityCache(probe, ttl_s=600, unknown_ttl_s=30, clock=clock)
    entry = await cache.check("sip:dead@x")
    assert entry is not None
    assert entry.reachable is None
    clock.now += 31
    assert cache.get("sip:dead@x") is None


async def test_rate_limit_refuses_without_waiting_and_refills() -> None:
    clock = Clock()
    probe = Probe({f"sip:{i}@x": False for i in range(5)})
    cache = ReachabilityCache(probe, rate_per_s=0.5, burst=2, clock=clock)
    results = [await cache.check(f"sip:{i}@x") for i in range(3)]
    assert [r is not None for r in results] == [True, True, False]
    assert len(probe.calls) == 2
    clock.now += 2.0  # one token back
    assert await cache.check("sip:2@x") is not None
    assert await cache.check("sip:3@x") is None


async def test_concurrent_checks_share_one_probe() -> None:
    probe = Probe({"sip:a@x": True})
    probe.gate = asyncio.Event()
    cache = ReachabilityCache(probe, clock=Clock())
    tasks = [asyncio.create_task(cache.check("sip:a@x")) for _ in range(3)]
    await probe.started.wait()
    probe.gate.set()
    results = await asyncio.gather(*tasks)
    assert probe.calls == ["sip:a@x"]
    assert all(r is not None and r.reachable for r in results)
