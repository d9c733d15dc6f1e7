"""The SIP ladder, headless: group a trace into dialogs and draw its rungs.

The TUI's ladder pane and ``trace --ladder`` both draw from here, so a ladder pasted
into a ticket reads as the pane showed it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from tuiphone.model.trace import TraceEntry

NO_CALL_ID = "(no Call-ID)"


@dataclass(frozen=True, slots=True)
class Dialog:
    call_id: str
    entries: tuple[TraceEntry, ...]

    @property
    def title(self) -> str:
        """The first request's method and the peer, e.g. 'INVITE 127.0.0.1:5060'."""
        first = self.entries[0]
        return f"{first.first_line.split(' ', 1)[0]} {first.peer}"

    @property
    def method(self) -> str:
        return self.entries[0].first_line.split(" ", 1)[0]


def group_dialogs(entries: Iterable[TraceEntry]) -> list[Dialog]:
    """Entries grouped by Call-ID, in order of first appearance."""
    groups: dict[str, list[TraceEntry]] = {}
    for entry in entries:
        groups.setdefault(entry.call_id or NO_CALL_ID, []).append(entry)
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


def pick(dialogs: list[Dialog], wanted: str | None) -> Dialog | None:
    """The dialog whose Call-ID is ``wanted`` (or starts with it); with none wanted, the
    last call (INVITE dialog), else the last dialog: what the pane shows first."""
    if wanted:
        exact = [d for d in dialogs if d.call_id == wanted]
        loose = [d for d in dialogs if d.call_id.startswith(wanted)]
        found = exact or loose
        return found[-1] if found else None
    calls = [d for d in dialogs if d.method == "INVITE"] or dialogs
    return calls[-1] if calls else None
