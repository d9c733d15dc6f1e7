"""Each connected call's figures over time, for the call-detail view's sparklines."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

from tuiphone.model.call import CallStats

KEPT = 300  # samples, one a second: the last five minutes


@dataclass
class Track:
    """Per-interval loss (from the counters' differences), jitter, RTT and MOS."""

    last: CallStats | None = None
    loss_pct: deque[float] = field(default_factory=lambda: deque(maxlen=KEPT))
    jitter_ms: deque[float] = field(default_factory=lambda: deque(maxlen=KEPT))
    rtt_ms: deque[float] = field(default_factory=lambda: deque(maxlen=KEPT))
    mos: deque[float] = field(default_factory=lambda: deque(maxlen=KEPT))

    def add(self, stats: CallStats) -> None:
        before = self.last
        received = stats.rx_packets - (before.rx_packets if before else 0)
        lost = stats.rx_lost - (before.rx_lost if before else 0)
        if received + lost > 0 and received >= 0 and lost >= 0:
            self.loss_pct.append(100.0 * lost / (received + lost))
        self.jitter_ms.append(stats.rx_jitter_ms)
        self.rtt_ms.append(stats.rtt_ms)
        if stats.mos is not None:
            self.mos.append(stats.mos)
        self.last = stats


class Quality:
    """Tracks by call id; a call's track goes when the call ends."""

    def __init__(self) -> None:
        self.tracks: dict[str, Track] = {}

    def add(self, call_id: str, stats: CallStats) -> Track:
        track = self.tracks.setdefault(call_id, Track())
        track.add(stats)
        return track

    def drop(self, call_id: str) -> None:
        self.tracks.pop(call_id, None)
