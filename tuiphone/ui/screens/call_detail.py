"""One call's live quality: codec, addresses, and a sparkline each for loss, jitter,
RTT and MOS over the call (fed by the engine's call_stats events, once a second)."""

from __future__ import annotations

from collections.abc import Sequence

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, Sparkline, Static

from tuiphone.model.call import CallInfo
from tuiphone.ui.quality import Track

ROWS = (("loss_pct", "Loss", "%"), ("jitter_ms", "Jitter", " ms"), ("rtt_ms", "RTT", " ms"),
        ("mos", "MOS", ""))


def latest(values: Sequence[float], unit: str) -> str:
    return f"{values[-1]:.1f}{unit}" if values else "–"


class CallDetailScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,i,q", "dismiss", "Close")]

    def __init__(self, call: CallInfo, party: str, track: Track | None) -> None:
        super().__init__()
        self.call = call
        self.party = party
        self.track = track or Track()

    def compose(self) -> ComposeResult:
        with Vertical(id="call-detail"):
            yield Label(f"Call {self.call.id}: {self.party}", id="detail-title")
            yield Static(id="detail-media")
            for key, name, _unit in ROWS:
                yield Label(name, classes="detail-name")
                yield Sparkline([], id=f"spark-{key}", classes="detail-spark")
                yield Static(id=f"value-{key}", classes="detail-value")
            yield Label("Esc closes · figures refresh every second", id="detail-hint")

    def on_mount(self) -> None:
        self.show(self.track)

    def show(self, track: Track) -> None:
        """Redraw from ``track`` (the screen keeps it: it grows as events arrive)."""
        self.track = track
        stats = track.last
        if stats is not None:
            media = [f"codec {stats.codec or '?'}"]
            if stats.srtp:
                media.append(f"SRTP {stats.srtp}")
            if stats.remote_rtp:
                media.append(f"to {stats.remote_rtp}")
            if stats.rtp_source and stats.rtp_source != stats.remote_rtp:
                media.append(f"from {stats.rtp_source}")
            self.query_one("#detail-media", Static).update(" · ".join(media))
        for key, _name, unit in ROWS:
            values = list(getattr(track, key))
            self.query_one(f"#spark-{key}", Sparkline).data = values
            self.query_one(f"#value-{key}", Static).update(latest(values, unit))
