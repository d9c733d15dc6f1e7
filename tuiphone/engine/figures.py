"""A call's RTP figures as the engine keeps them: rated with a MOS estimate while the
call is up, and the few that go into its history row at the end. Pure functions."""

from __future__ import annotations

from dataclasses import replace

from tuiphone.engine.mos import estimate_mos
from tuiphone.model.call import CallStats


def rated(stats: CallStats) -> CallStats:
    """``stats`` with its MOS estimate (None before any packet was expected)."""
    mos = estimate_mos(stats)
    return stats if mos is None else replace(stats, mos=round(mos, 2))


def history_figures(stats: CallStats | None) -> dict[str, float | None]:
    """MOS, loss, jitter and RTT of a call's last figures, for its history row; all None
    for a call that never expected a packet."""
    expected = stats.rx_packets + stats.rx_lost if stats else 0
    if stats is None or expected <= 0:
        return {"mos": stats.mos if stats else None, "loss_pct": None, "jitter_ms": None,
                "rtt_ms": None}
    return {"mos": stats.mos, "loss_pct": round(100.0 * stats.rx_lost / expected, 2),
            "jitter_ms": round(stats.rx_jitter_ms, 2), "rtt_ms": round(stats.rtt_ms, 2)}
