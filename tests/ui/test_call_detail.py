"""The call-detail view: `i` in the Calls pane opens it for the connected call; its
sparklines grow from the engine's call_stats events (once a second) until Esc."""

from __future__ import annotations

from textual.widgets import Sparkline, Static

from tests.ui.helpers import make_app, until
from tuiphone.model.call import CallState, CallStats
from tuiphone.ui.quality import Track
from tuiphone.ui.screens.call_detail import CallDetailScreen
from tuiphone.ui.widgets.calls import CallsPane


def test_track_takes_loss_per_interval():
    track = Track()
    track.add(CallStats(rx_packets=50, rx_lost=0, mos=4.4))
    track.add(CallStats(rx_packets=95, rx_lost=5, rx_jitter_ms=2.0, mos=4.0))
    assert list(track.loss_pct) == [0.0, 10.0]
    assert list(track.mos) == [4.4, 4.0]
    track.add(CallStats(rx_packets=95, rx_lost=5))  # nothing new: no loss sample
    assert len(track.loss_pct) == 2


async def test_details_open_for_the_call_and_follow_its_figures():
    app, phone = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await until(pilot, lambda: app.phone is not None)
        await pilot.press(*"echo", "enter")
        await until(pilot, lambda: [c.state for c in phone.state().calls] == [CallState.CONNECTED])
        pane = app.main.query_one(CallsPane)
        await until(pilot, lambda: bool(pane.stats))  # from events: nothing polls any more
        app.main.go("calls")
        await until(pilot, lambda: app.focused is not None and app.focused.id == "active-calls")
        await pilot.press("i")
        await until(pilot, lambda: isinstance(app.screen, CallDetailScreen))
        screen = app.screen
        await until(pilot, lambda: len(screen.query_one("#spark-mos", Sparkline).data or []) >= 2)
        assert "codec" in str(screen.query_one("#detail-media", Static).content)
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is app.main)
