"""An idle TUI runs no timer but the cursor's blink (and the screen update it asks for).

The calls pane's once-a-second timer (call durations) runs only while there is a call.
"""

from __future__ import annotations

from typing import Any

from textual.timer import Timer
from textual.widgets import Input

from tests.ui.helpers import make_app, running, until
from tuiphone.model.call import CallState
from tuiphone.ui.widgets.calls import CallsPane

FREQUENT_S = 10.0  # a timer firing at least this often keeps an idle process waking


def _frequent(app: Any) -> set[str]:
    """The running, unpaused timers of the app, its screens and widgets that fire at
    least every FREQUENT_S, by callback name."""
    nodes = [app, *app.screen_stack]
    for screen in app.screen_stack:
        nodes += list(screen.walk_children(with_self=False))
    found = set()
    for node in nodes:
        for timer in list(node._timers):
            assert isinstance(timer, Timer)
            if timer._task is None or not timer._active.is_set():
                continue
            if timer._interval <= FREQUENT_S:
                found.add(getattr(timer._callback, "__qualname__", str(timer._callback)))
    return found


async def test_only_the_cursor_blinks_while_idle_and_call_timers_tick_in_a_call():
    app, phone = make_app()
    async with running(app) as pilot:
        idle = _frequent(app)
        assert idle - {"Input._toggle_cursor", "Screen._on_timer_update"} == set()
        assert "Input._toggle_cursor" in idle  # the check sees timers at all

        await pilot.press(*"echo", "enter")
        await until(pilot, lambda: [c.state for c in phone.state().calls]
                    == [CallState.CONNECTED])
        await until(pilot, lambda: bool(app.main.query_one(CallsPane).calls))
        assert "CallsPane._tick" in _frequent(app)

        await pilot.press("f3")  # hang up
        await until(pilot, lambda: not phone.state().calls)
        await until(pilot, lambda: not app.main.query_one(CallsPane).calls)
        assert "CallsPane._tick" not in _frequent(app)


async def test_a_steady_cursor_leaves_no_timer_while_idle():
    """``[ui] cursor_blink = false``: the focused dialpad keeps its cursor shown and
    nothing fires while idle; moving the focus to another field keeps it steady too."""
    app, _phone = make_app(cursor_blink=False)
    async with running(app) as pilot:
        focused = app.focused
        assert isinstance(focused, Input)
        assert focused.id == "dial-input"
        await until(pilot, lambda: _frequent(app) - {"Screen._on_timer_update"} == set())
        assert focused.cursor_blink is False
        assert focused._cursor_visible
        await pilot.press("ctrl+n")  # the next pane: another text field takes the focus
        await until(pilot, lambda: app.focused is not focused)
        assert _frequent(app) - {"Screen._on_timer_update"} == set()
