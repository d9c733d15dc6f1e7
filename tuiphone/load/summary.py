"""The figures of a load run, worked out from its call records.

ASR is answered over attempted calls, leaving out the calls the run itself cancelled
(Ctrl-C before they were answered): stopping a run is not the trunk's fault. ACD is the
mean connected time of the answered calls. PDD and setup spread over the calls that
have them. MOS bands are the user-satisfaction bands of ITU-T G.107 Annex B.
"""

from __future__ import annotations

import collections
import math
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from tuiphone.load.wire import CallRecord, Outcome

MOS_BANDS = ((4.34, "4.34-4.50"), (4.03, "4.03-4.34"), (3.60, "3.60-4.03"),
             (3.10, "3.10-3.60"), (2.58, "2.58-3.10"), (0.0, "1.00-2.58"))


@dataclass(frozen=True, slots=True)
class Spread:
    """One figure over ``n`` calls (None where there is nothing to show)."""

    n: int = 0
    min: float | None = None
    p50: float | None = None
    p95: float | None = None
    max: float | None = None
    mean: float | None = None


@dataclass(frozen=True, slots=True)
class Summary:
    attempts: int
    answered: int
    cancelled: int
    failed: dict[str, int]  # cause -> calls, most frequent first
    asr_pct: float | None
    acd_s: float | None
    pdd_ms: Spread
    setup_ms: Spread
    mos: Spread
    mos_bands: dict[str, int] = field(default_factory=dict)
    rx_loss_pct: Spread = Spread()
    jitter_ms: Spread = Spread()


def percentile(ordered: Sequence[float], p: float) -> float:
    """The ``p``-th percentile (0-100) of sorted values, interpolating between ranks."""
    at = (len(ordered) - 1) * p / 100
    low, high = math.floor(at), math.ceil(at)
    return ordered[low] + (ordered[high] - ordered[low]) * (at - low)


def spread(values: Iterable[float | None], digits: int = 2) -> Spread:
    ordered = sorted(v for v in values if v is not None)
    if not ordered:
        return Spread()
    return Spread(len(ordered), *(round(x, digits) for x in (
        ordered[0], percentile(ordered, 50), percentile(ordered, 95), ordered[-1],
        statistics.fmean(ordered))))


def summarize(records: Sequence[CallRecord]) -> Summary:
    answered = [r for r in records if r.outcome is Outcome.ANSWERED]
    cancelled = sum(r.outcome is Outcome.CANCELLED for r in records)
    causes = collections.Counter(r.cause for r in records
                                 if r.outcome not in (Outcome.ANSWERED, Outcome.CANCELLED))
    counted = len(records) - cancelled
    return Summary(
        attempts=len(records),
        answered=len(answered),
        cancelled=cancelled,
        failed=dict(causes.most_common()),
        asr_pct=round(100.0 * len(answered) / counted, 2) if counted else None,
        acd_s=round(statistics.fmean(r.duration_s for r in answered), 3) if answered else None,
        pdd_ms=spread(r.pdd_ms for r in records),
        setup_ms=spread(r.setup_ms for r in answered),
        mos=spread(r.mos for r in answered),
        mos_bands=_bands(r.mos for r in answered),
        rx_loss_pct=spread(r.loss_pct for r in answered),
        jitter_ms=spread(r.rx_jitter_ms for r in answered if r.rx_packets),
    )


def _bands(scores: Iterable[float | None]) -> dict[str, int]:
    counts = dict.fromkeys((name for _, name in MOS_BANDS), 0)
    for score in scores:
        if score is not None:
            counts[next(name for low, name in MOS_BANDS if score >= low)] += 1
    return counts
