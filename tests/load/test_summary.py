"""The figures of a run: ASR, ACD, PDD/setup spreads, MOS bands, failures by cause."""

from __future__ import annotations

import pytest

from tuiphone.load.summary import percentile, spread, summarize
from tuiphone.load.wire import CallRecord, Outcome


def rec(n: int, outcome: Outcome = Outcome.ANSWERED, **kw) -> CallRecord:
    return CallRecord(n, 0, "local", outcome, 1000.0 + n, **kw)


def test_percentile_interpolates_between_ranks():
    assert percentile([1.0, 2.0, 3.0, 4.0], 50) == 2.5
    assert percentile([1.0, 2.0, 3.0, 4.0], 100) == 4.0
    assert percentile([7.0], 95) == 7.0
    assert percentile(list(map(float, range(101))), 95) == 95.0


def test_spread_skips_missing_values():
    s = spread([None, 3.0, 1.0, 2.0])
    assert (s.n, s.min, s.p50, s.max, s.mean) == (3, 1.0, 2.0, 3.0, 2.0)
    assert spread([None]).n == 0
    assert spread([]).p50 is None


def test_summary_counts_failures_by_cause_and_leaves_cancelled_out_of_asr():
    records = [
        rec(1, pdd_ms=2.0, setup_ms=4.0, duration_s=2.0, mos=4.4, rx_packets=100),
        rec(2, pdd_ms=3.0, setup_ms=6.0, duration_s=4.0, mos=3.5, rx_packets=90, rx_lost=10),
        rec(3, Outcome.FAILED, code=486, reason="Busy Here", pdd_ms=1.0),
        rec(4, Outcome.FAILED, code=486, reason="Busy Here", pdd_ms=1.5),
        rec(5, Outcome.TIMEOUT, code=487, reason="Request Terminated"),
        rec(6, Outcome.CANCELLED, code=487, reason="Request Terminated"),
    ]
    s = summarize(records)
    assert (s.attempts, s.answered, s.cancelled) == (6, 2, 1)
    assert s.failed == {"486 Busy Here": 2, "timeout": 1}
    assert s.asr_pct == 40.0  # 2 of the 5 calls the run did not cancel itself
    assert s.acd_s == 3.0
    assert s.pdd_ms.n == 4
    assert s.pdd_ms.min == 1.0
    assert s.pdd_ms.max == 3.0
    assert s.setup_ms.p50 == 5.0
    assert s.mos.mean == pytest.approx(3.95)
    assert s.mos_bands["4.34-4.50"] == 1
    assert s.mos_bands["3.10-3.60"] == 1
    assert s.rx_loss_pct.max == 10.0


def test_summary_of_nothing_has_no_ratios():
    s = summarize([])
    assert s.attempts == 0
    assert s.asr_pct is None
    assert s.acd_s is None
    assert s.mos.n == 0
