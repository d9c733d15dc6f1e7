"""Call history with a filter box: any text matches party, cause or direction."""

from __future__ import annotations

import time
from collections.abc import Callable

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.reactive import reactive
from textual.widgets import DataTable, Input

from tuiphone.model.call import Direction, HistoryEntry
from tuiphone.ui.columns import CELL_PADDING, cell, fit
from tuiphone.ui.format import outcome, party, vouch_mark
from tuiphone.ui.messages import DialRequested


def history_time(epoch: float) -> str:
    return time.strftime("%m-%d %H:%M", time.localtime(epoch))


class HistoryView(Vertical):
    """Rows of finished calls; Enter on a row redials it (posts ``DialRequested``)."""

    entries: reactive[tuple[HistoryEntry, ...]] = reactive(())

    def __init__(self, clock: Callable[[], float] = time.time, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.clock = clock  # what "today" is: a call of today shows its time only

    def compose(self) -> ComposeResult:
        yield Input(placeholder="filter history", id="history-filter")
        yield DataTable(id="history-table", cursor_type="row")

    def on_resize(self) -> None:
        self._redraw()

    def on_mount(self) -> None:
        self._redraw()

    def watch_entries(self) -> None:
        if self.is_mounted:
            self._redraw()

    @on(Input.Changed, "#history-filter")
    def _filter(self) -> None:
        self._redraw()

    def _visible(self) -> list[HistoryEntry]:
        needle = self.query_one("#history-filter", Input).value.strip().lower()
        return [e for e in self.entries if needle in _haystack(e)]

    def _redraw(self) -> None:
        """Columns at their natural widths when the pane has room; else, in turn: the time
        only (or the date for older calls), no loss/jitter/RTT columns, no MOS column,
        then the result and at last the party end in an ellipsis. A cell never wraps."""
        table = self.query_one("#history-table", DataTable)
        visible = self._visible()
        room = table.size.width - 1  # the scrollbar
        for short, quality in ((False, 4), (True, 4), (True, 1), (True, 0)):
            heads, rows = _rows(visible, short, quality, self.clock())
            natural = [max([len(h), *(len(r[i]) for r in rows)]) for i, h in enumerate(heads)]
            if sum(natural) + CELL_PADDING * len(heads) <= room:
                break
        widths = fit(natural, room - CELL_PADDING * len(heads), flexible=(3, 2), floor=8)
        table.clear(columns=True)
        for head, width in zip(heads, widths, strict=True):
            table.add_column(head, width=width)
        for row, entry in zip(rows, visible, strict=True):
            table.add_row(*(cell(c) for c in row), key=f"{entry.call_id}-{entry.started}")

    @on(DataTable.RowSelected, "#history-table")
    def _redial(self, event: DataTable.RowSelected) -> None:
        event.stop()
        visible = self._visible()
        if 0 <= event.cursor_row < len(visible):
            self.post_message(DialRequested(visible[event.cursor_row].remote_uri))


def _haystack(entry: HistoryEntry) -> str:
    return " ".join(
        (entry.remote_uri, entry.remote_name, entry.reason, entry.direction.value, outcome(entry),
         vouch_mark(entry.identity))
    ).lower()


def _rows(entries: list[HistoryEntry], short: bool, quality: int, now: float
          ) -> tuple[tuple[str, ...], list[tuple[str, ...]]]:
    """The cells, with the first ``quality`` of MOS, loss, jitter and RTT."""
    heads = ("When", "", "Party", "Result", "MOS", "Loss", "Jitter", "RTT")[: 4 + quality]
    today = time.strftime("%Y-%m-%d", time.localtime(now))
    rows = []
    for e in entries:
        when = history_time(e.started)
        if short:
            same_day = time.strftime("%Y-%m-%d", time.localtime(e.started)) == today
            when = when[6:] if same_day else when[:5]
        row = (when, "↗ out" if e.direction is Direction.OUTGOING else "↙ in",
               party(e.remote_uri, e.remote_name) + vouch_mark(e.identity), outcome(e),
               f"{e.mos:.1f}" if e.mos is not None else "—", _figure(e.loss_pct, "%"),
               _figure(e.jitter_ms, " ms"), _figure(e.rtt_ms, " ms"))
        rows.append(row[: len(heads)])
    return heads, rows


def _figure(value: float | None, unit: str) -> str:
    return "—" if value is None else f"{value:.1f}{unit}"
