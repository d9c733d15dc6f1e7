"""Calls pane: active calls on top (state, timer, codec, MOS), history below."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.reactive import reactive
from textual.timer import Timer
from textual.widgets import DataTable, Static

from tuiphone.model.call import CallInfo, CallStats, HistoryEntry
from tuiphone.ui.actions import bindings_for
from tuiphone.ui.format import (
    call_timer,
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
        self._ticker: Timer | None = None

    def compose(self) -> ComposeResult:
        table: DataTable[str | Text] = DataTable(id="active-calls", cursor_type="row")
        table.add_columns("State", "Party", "Time", "Codec", "MOS")
        yield table
        yield Static("No calls. Dial from the dialpad.", id="calls-empty")
        yield Static("", id="last-ended")
        yield HistoryView(id="history").data_bind(entries=CallsPane.history)

    def on_mount(self) -> None:
        # the call timers tick once a second, only while there is a call to time: an idle
        # phone's only repaint is the dialpad's blinking cursor
        self._ticker = self.set_interval(1.0, self._tick, pause=not self.calls)

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
        if self._ticker is not None:
            if calls:
                self._ticker.resume()
            else:
                self._ticker.pause()

    def show_ended(self, call: CallInfo) -> None:
        self.last_ended = call
        self.query_one("#last-ended", Static).update(
            f"Last: {party(call.remote_uri, call.remote_name)} {state_words(call)}"
        )

    def set_stats(self, stats: dict[str, CallStats]) -> None:
        self.stats = stats
        self._render_calls(self.calls)

    def _tick(self) -> None:
        if self.calls:
            self._render_calls(self.calls)

    def _render_calls(self, calls: Sequence[CallInfo]) -> None:
        if not self.is_mounted:
            return
        table = self.query_one("#active-calls", DataTable)
        cursor = table.cursor_row
        table.clear()
        now = self.clock()
        for call in calls:
            table.add_row(*self._cells(call, now), key=call.id)
        if calls:
            table.move_cursor(row=min(cursor, len(calls) - 1))
        self.query_one("#calls-empty").display = not calls
        self.set_class(bool(calls), "-active")

    def _cells(self, call: CallInfo, now: float) -> tuple[Text, str, str, str, str]:
        stats = self.stats.get(call.id)
        mos = f"{stats.mos:.1f}" if stats and stats.mos is not None else "—"
        muted = " (muted)" if call.muted else ""
        state = Text(state_words(call), style=_STATE_STYLE.get(state_class(call), ""))
        vouch = vouch_mark(call.identity.vouch if call.identity else None)
        lock = security_words(call.security)
        return (state, party(call.remote_uri, call.remote_name) + muted + vouch + lock,
                call_timer(call, now), stats.codec if stats and stats.codec else "—", mos)


# Rich styles are not theme-aware, so colour only via bold/reverse; glyph+word carry meaning.
_STATE_STYLE = {"-incoming": "bold reverse", "-ringing": "bold", "-connected": "bold"}
