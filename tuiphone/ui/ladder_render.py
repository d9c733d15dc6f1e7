"""Pure helpers for the SIP ladder: group a trace into dialogs and draw arrows."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from tuiphone.model.trace import TraceEntry


@dataclass(frozen=True, slots=True)
class Dialog:
    call_id: str
    entries: tuple[TraceEntry, ...]

    @property
    def title(self) -> str:
        """The first request's method and the peer, e.g. 'INVITE 127.0.0.1:5060'."""
        first = self.entries[0]
        return f"{first.first_line.split(' ', 1)[0]} {first.peer}"


def group_dialogs(entries: Iterable[TraceEntry]) -> list[Dialog]:
    """Entries grouped by Call-ID, in order of first appearance."""
    groups: dict[str, list[TraceEntry]] = {}
    for entry in entries:
        groups.setdefault(entry.call_id or "(no Call-ID)", []).append(entry)
    return [Dialog(call_id, tuple(items)) for call_id, items in groups.items()]


def summary(entry: TraceEntry) -> str:
    """'INVITE' for requests, '180 Ringing' for responses."""
    line = entry.first_line
    if line.startswith("SIP/2.0 "):
        return line.removeprefix("SIP/2.0 ")
    return line.split(" ", 1)[0]


def arrow(entry: TraceEntry, t0: float, width: int) -> str:
    """One ladder rung: relative time, then an arrow labelled with the message."""
    label = f" {summary(entry)} "
    span = max(len(label) + 4, width)
    fill = span - len(label) - 1
    left, right = fill // 2, fill - fill // 2
    if entry.direction == "tx":
        body = "─" * left + label + "─" * right + "▶"
    else:
        body = "◀" + "─" * left + label + "─" * right
    return f"{entry.timestamp - t0:+8.3f}s │{body}│"


def header(dialog: Dialog, width: int) -> str:
    peer = dialog.entries[0].peer
    span = max(width, 12) + 1
    return f"{'':10}local{'':{max(1, span - 5 - len(peer) + 1)}}{peer}"
