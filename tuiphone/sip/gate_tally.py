"""Counting refused requests per source, and keeping a flood cheap. Pure (the clock is
passed in); used on the pjsip thread only.

Each source address has a token bucket: a refusal spends a token, and a source with
none left is *throttled*: its requests are dropped unread and unanswered (counted as
"rate-limited") until the bucket refills. A global bucket bounds the 403s we send in
all. Totals leave as at most one ``Refusals`` per source and reason a second (the
engine's events) and one log line per source a minute.
"""

from __future__ import annotations

import collections
from collections.abc import Iterator
from dataclasses import dataclass, replace

from tuiphone.model.trust import RefusalReason, Refusals

BURST = 20.0  # refusals a source may get answered in a row
REFILL_PER_S = 10.0  # and then per second
GLOBAL_BURST = 200.0  # answered refusals, all sources together
GLOBAL_REFILL_PER_S = 100.0
MAX_SOURCES = 1024  # sources remembered; the least recent is forgotten
EMIT_EVERY_S = 1.0
LOG_EVERY_S = 60.0


@dataclass(slots=True)
class _Bucket:
    tokens: float
    at: float

    def take(self, now: float, burst: float, refill: float) -> bool:
        self.tokens = min(burst, self.tokens + (now - self.at) * refill)
        self.at = now
        if self.tokens < 1.0:
            return False
        self.tokens -= 1.0
        return True

    def empty(self, now: float, refill: float) -> bool:
        return self.tokens + (now - self.at) * refill < 1.0


@dataclass(slots=True)
class _Record:
    total: Refusals
    emitted_at: float = -1e9
    dirty: bool = True


@dataclass(slots=True)
class _Source:
    bucket: _Bucket
    logged_at: float = -1e9
    unlogged: int = 0


class Tally:
    """Refusal counts and rate limits. ``refuse`` tells whether to answer."""

    def __init__(self) -> None:
        self._sources: collections.OrderedDict[str, _Source] = collections.OrderedDict()
        self._records: dict[tuple[str, RefusalReason], _Record] = {}
        self._global = _Bucket(GLOBAL_BURST, 0.0)
        # something counted and not yet sent or logged: False spares the pjsip thread a
        # look at every record after every poll (in a call, after every RTP packet)
        self.pending = False

    def throttled(self, address: str, now: float) -> bool:
        """True when ``address`` has used up its refusals: drop its request unread."""
        src = self._sources.get(address)
        return src is not None and src.bucket.empty(now, REFILL_PER_S)

    def refuse(self, address: str, reason: RefusalReason, method: str, account_id: str,
               now: float, at: float) -> bool:
        """Count a refusal (``now`` monotonic, ``at`` wall clock); True if it may be
        answered (403), False to stay silent."""
        src = self._source(address, now)
        self.count(address, reason, method, account_id, now, at, src)
        if not src.bucket.take(now, BURST, REFILL_PER_S):
            return False
        return self._global.take(now, GLOBAL_BURST, GLOBAL_REFILL_PER_S)

    def count(self, address: str, reason: RefusalReason, method: str, account_id: str,
              now: float, at: float, src: _Source | None = None) -> None:
        """Count a refusal without rate accounting (e.g. a throttled source's drop)."""
        src = src or self._source(address, now)
        self.pending = True
        src.unlogged += 1
        key = (address, reason)
        record = self._records.get(key)
        if record is None:
            total = Refusals(address, reason, 0, method, account_id, at, at)
            record = self._records[key] = _Record(total)
        old = record.total
        record.total = replace(old, count=old.count + 1, method=method or old.method,
                               account_id=account_id or old.account_id, last=at)
        record.dirty = True

    def _source(self, address: str, now: float) -> _Source:
        src = self._sources.get(address)
        if src is None:
            src = self._sources[address] = _Source(_Bucket(BURST, now))
            while len(self._sources) > MAX_SOURCES:
                gone, _ = self._sources.popitem(last=False)
                for reason in RefusalReason:
                    self._records.pop((gone, reason), None)
        else:
            self._sources.move_to_end(address)
        return src

    def due(self, now: float) -> Iterator[Refusals]:
        """Totals that changed and were last sent at least EMIT_EVERY_S ago."""
        for record in self._records.values():
            if record.dirty and now - record.emitted_at >= EMIT_EVERY_S:
                record.dirty = False
                record.emitted_at = now
                yield record.total

    def log_lines(self, now: float) -> Iterator[str]:
        """One line per source whose refusals were not logged in the last minute."""
        for address, src in self._sources.items():
            if src.unlogged and now - src.logged_at >= LOG_EVERY_S:
                reasons = [r.total for (a, _), r in self._records.items() if a == address]
                yield _line(address, src.unlogged, reasons, first=src.logged_at < 0)
                src.unlogged = 0
                src.logged_at = now

    def settle(self) -> None:
        """After ``due`` and ``log_lines``: ``pending`` stays True only while a total
        waits to be sent or a source's refusals wait to be logged."""
        self.pending = (any(r.dirty for r in self._records.values())
                        or any(s.unlogged for s in self._sources.values()))

    def totals(self) -> list[Refusals]:
        return [r.total for r in self._records.values()]


def _line(address: str, count: int, totals: list[Refusals], first: bool) -> str:
    what = "; ".join(f"{t.reason.words} {t.count}" for t in totals)
    method = next((t.method for t in totals if t.method), "")
    since = "" if first else " in the last minute"
    return (f"refused {count} request{'s' if count != 1 else ''} from {address}{since} "
            f"(last {method or 'unread'}; totals: {what})")
