"""Smart Contacts, the pure part: remember which contacts are reachable on-net.

The probe (e.g. a SIP OPTIONS through the engine) is injected, so this module
needs no SIP stack. Probing is rate-limited with a token bucket and results
expire; a probe that fails is remembered as "unknown" for a shorter time so a
dead server is not hammered. Runs on one asyncio loop; not thread-safe.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

Probe = Callable[[str], Awaitable[bool]]
Clock = Callable[[], float]


@dataclass(frozen=True, slots=True)
class Reachability:
    """``reachable`` None means unknown (the probe failed)."""

    uri: str
    reachable: bool | None
    checked_at: float


class ReachabilityCache:
    """``rate_per_s`` probes per second on average, bursts of ``burst``."""

    def __init__(
        self,
        probe: Probe,
        *,
        ttl_s: float = 3600.0,
        unknown_ttl_s: float = 600.0,
        rate_per_s: float = 1.0,
        burst: int = 5,
        clock: Clock = time.monotonic,
    ) -> None:
        self._probe, self._clock = probe, clock
        self._ttl, self._unknown_ttl = ttl_s, unknown_ttl_s
        self._rate, self._burst = rate_per_s, float(burst)
        self._tokens, self._refilled = float(burst), clock()
        self._known: dict[str, Reachability] = {}
        self._pending: dict[str, asyncio.Future[Reachability | None]] = {}

    def get(self, uri: str) -> Reachability | None:
        """The remembered answer if it has not expired; never probes."""
        entry = self._known.get(uri)
        if entry is None:
            return None
        ttl = self._ttl if entry.reachable is not None else self._unknown_ttl
        return entry if self._clock() - entry.checked_at < ttl else None

    def _take_token(self) -> bool:
        now = self._clock()
        self._tokens = min(self._burst, self._tokens + (now - self._refilled) * self._rate)
        self._refilled = now
        if self._tokens < 1.0:
            return False
        self._tokens -= 1.0
        return True

    async def check(self, uri: str) -> Reachability | None:
        """A fresh answer, probing if needed. Returns the stale entry (or None) when the
        rate limit says no; concurrent checks of one URI share a single probe."""
        fresh = self.get(uri)
        if fresh is not None:
            return fresh
        if uri in self._pending:
            return await asyncio.shield(self._pending[uri])
        if not self._take_token():
            return self._known.get(uri)
        future: asyncio.Future[Reachability | None] = asyncio.get_running_loop().create_future()
        self._pending[uri] = future
        try:
            entry = Reachability(uri, await self._run_probe(uri), self._clock())
            self._known[uri] = entry
            future.set_result(entry)
            return entry
        finally:
            del self._pending[uri]
            if not future.done():
                future.set_result(None)

    async def _run_probe(self, uri: str) -> bool | None:
        try:
            return bool(await self._probe(uri))
        except asyncio.CancelledError:
            raise
        except Exception:  # any probe failure means "unknown", never a crash
            return None

    def forget(self, uri: str) -> None:
        self._known.pop(uri, None)
