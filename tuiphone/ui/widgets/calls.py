"""Calls pane: active calls on top (state, timer, codec, MOS), history below.

The calls table fits its pane: when the columns' natural widths do not fit, MOS goes
first, then Codec, then the identity and lock words take their short forms, and at last
those words end in an ellipsis. The address is never cut (a pane narrower than it
scrolls sideways instead), and no cell wraps."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

from rich.cells import cell_len
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.reactive import reactive
from textual.widgets import DataTable, Static

from tuiphone.model.call import CallInfo, CallStats, HistoryEntry
from tuiphone.ui.actions import bindings_for
from tuiphone.ui.columns import CELL_PADDING, cell, fit
from tuiphone.ui.format import (
    call_timer,
    conference_mark,
    party,
    security_words,
    state_class,
    state_words,
    vouch_mark,
)
from tuiphone.ui.widgets.history import HistoryView

Clock = Callable[[], float]


class CallsPane(Vertical):
    """Shows ``calls`` (set by the screen) and ``stats`` (call id -> CallStats).

    ``selected`` is the id of the highlighted active call, or None; the screen uses it
    when an action needs one call among several.
    """

    BINDINGS = bindings_for("calls")
    calls: reactive[tuple[CallInfo, ...]] = reactive((), always_update=True)
    history: reactive[tuple[HistoryEntry, ...]] = reactive(())

    def __init__(self, clock: Clock = time.time, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.clock = clock
        self.stats: dict[str, CallStats] = {}
        self.last_ended: CallInfo | None = None

    def compose(self) -> ComposeResult:
        yield DataTable(id="active-calls", cursor_type="row")
        yield Static("No calls. Dial from the dialpad.", id="calls-empty")
        yield Static("", id="last-ended")
        yield HistoryView(clock=self.clock, id="history").data_bind(entries=CallsPane.history)

    def on_mount(self) -> None:
        self.set_interval(1.0, self._tick)

    @property
    def selected(self) -> str | None:
        table = self.query_one("#active-calls", DataTable)
        if not self.calls or table.row_count == 0:
            return None
        index = min(table.cursor_row, len(self.calls) - 1)
        return self.calls[index].id

    def action_filter(self) -> None:
        self.query_one("#history-filter").focus()

    def watch_calls(self, calls: tuple[CallInfo, ...]) -> None:
        self._render_calls(calls)

    def show_ended(self, call: CallInfo) -> None:
        self.last_ended = call
        self.query_one("#last-ended", Static).update(
            f"Last: {party(call.remote_uri, call.remote_name)} {state_words(call)}"
        )

    def set_stats(self, stats: dict[str, CallStats]) -> None:
        self.stats = stats
        self._render_calls(self.calls)

    def on_resize(self) -> None:
        self._render_calls(self.calls)

    def _tick(self) -> None:
        if self.calls:
            self._render_calls(self.calls)

    def _render_calls(self, calls: Sequence[CallInfo]) -> None:
        if not self.is_mounted:
            return
        table: DataTable[Text] = self.query_one("#active-calls", DataTable)
        cursor = table.cursor_row
        heads, rows, widths = self._fit(calls, self.clock(), self._room(table, len(calls)))
        table.clear(columns=True)
        for head, width in zip(heads, widths, strict=True):
            table.add_column(head, width=width)
        for call, row in zip(calls, rows, strict=True):
            table.add_row(*row, key=call.id)
        if calls:
            table.move_cursor(row=min(cursor, len(calls) - 1))
        self.query_one("#calls-empty").display = not calls
        self.set_class(bool(calls), "-active")

    def _room(self, table: DataTable[Text], rows: int) -> int:
        """Cells of content the table has: the pane's width (known even while the table
        is hidden), less a vertical scrollbar when the rows overflow its max-height."""
        limit = table.styles.max_height
        scrolls = limit is not None and limit.is_cells and rows + 1 > limit.value
        return self.content_size.width - (1 if scrolls else 0)

    def _fit(self, calls: Sequence[CallInfo], now: float, room: int
             ) -> tuple[tuple[str, ...], list[list[Text]], list[int]]:
        """The headings, cells and widths of the first variant that fits ``room``."""
        for columns, short in ((5, False), (4, False), (3, False), (3, True)):
            heads = _HEADS[:columns]
            rows = [list(self._cells(call, now, short)[:columns]) for call in calls]
            natural = [max([len(h), *(_width(r[i]) for r in rows)])
                       for i, h in enumerate(heads)]
            content = room - CELL_PADDING * len(heads)
            if room <= 0 or sum(natural) <= content:
                return heads, [[cell_of(c) for c in r] for r in rows], natural
        floor = max((cell_len(_address(call)) for call in calls), default=0)
        widths = fit(natural, content, flexible=(1,), floor=floor)
        for row, call in zip(rows, calls, strict=True):
            if widths[1] < cell_len(_address(call)) + 2:  # no room for even " …"
                row[1] = _address(call)
        return heads, [[cell_of(c) for c in r] for r in rows], widths

    def _cells(self, call: CallInfo, now: float, short: bool = False) -> tuple[Text | str, ...]:
        stats = self.stats.get(call.id)
        mos = f"{stats.mos:.1f}" if stats and stats.mos is not None else "—"
        state = Text(state_words(call), style=_STATE_STYLE.get(state_class(call), ""))
        vouch = vouch_mark(call.identity.vouch if call.identity else None, short)
        lock = security_words(call.security, short)
        return (state, _address(call) + vouch + lock, call_timer(call, now),
                stats.codec if stats and stats.codec else "—", mos)


def _address(call: CallInfo) -> str:
    """The part of the Party cell that is never cut (the words after it may be left
    out when not even an ellipsis fits after it)."""
    return (party(call.remote_uri, call.remote_name) + conference_mark(call)
            + (" (muted)" if call.muted else "") + (" ● rec" if call.recording else ""))


def _width(value: Text | str) -> int:
    return value.cell_len if isinstance(value, Text) else cell_len(value)


def cell_of(value: Text | str) -> Text:
    """A cell that ends in an ellipsis when cut; a styled one keeps its style."""
    if isinstance(value, str):
        return cell(value)
    value.no_wrap, value.overflow, value.end = True, "ellipsis", ""
    return value


_HEADS = ("State", "Party", "Time", "Codec", "MOS")


# Rich styles are not theme-aware, so colour only via bold/reverse; glyph+word carry meaning.
_STATE_STYLE = {"-incoming": "bold reverse", "-ringing": "bold", "-connected": "bold"}
