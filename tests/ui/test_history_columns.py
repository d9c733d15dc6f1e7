"""The history table shows a call's MOS, loss, jitter and RTT when the pane has room;
the last three go first as it narrows, then MOS."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import DataTable

from tuiphone.model.call import Direction, HistoryEntry
from tuiphone.ui.widgets.history import HistoryView

ENTRY = HistoryEntry(call_id="c1", account_id="a", direction=Direction.OUTGOING,
                     remote_uri="sip:carol@example.com", started=1000.0, answered=1001.0,
                     ended=1031.0, code=200, reason="OK", mos=4.38, loss_pct=1.25,
                     jitter_ms=3.04, rtt_ms=41.6)


class _Host(App[None]):
    def compose(self) -> ComposeResult:
        yield HistoryView()


def _table(app: App[None]) -> tuple[list[str], list[str]]:
    table = app.query_one("#history-table", DataTable)
    heads = [str(c.label) for c in table.columns.values()]
    return heads, [str(c) for c in table.get_row_at(0)]


async def test_wide_pane_shows_every_figure() -> None:
    app = _Host()
    async with app.run_test(size=(140, 10)) as pilot:
        app.query_one(HistoryView).entries = (ENTRY,)
        await pilot.pause()
        heads, row = _table(app)
        assert heads[-4:] == ["MOS", "Loss", "Jitter", "RTT"]
        assert row[-4:] == ["4.4", "1.2%", "3.0 ms", "41.6 ms"]


async def test_narrow_pane_drops_loss_jitter_rtt_then_mos() -> None:
    app = _Host()
    async with app.run_test(size=(60, 10)) as pilot:
        app.query_one(HistoryView).entries = (ENTRY,)
        await pilot.pause()
        heads, _ = _table(app)
        assert heads[-1] == "MOS"
        await pilot.resize_terminal(40, 10)
        await pilot.pause()
        heads, _ = _table(app)
        assert "MOS" not in heads
        assert "RTT" not in heads
