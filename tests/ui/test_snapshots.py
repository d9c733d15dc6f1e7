"""Looks: the real app over a fixed-data phone (tests/ui/stub_phone.py), pinned so a
layout regression fails: every pane at 80×24 (one tab each), and the grid of every pane
at 120×40 and 160×48 (each theme at 160×48).

Deterministic: a fixed clock (the app's and, for "Today", the chat's), TZ=UTC, fixed
data, TERM=xterm-256color with NO_COLOR unset (tests/conftest.py), no focus, no blink.
Update after an intended change with ``--snapshot-update`` and look at every SVG."""

from __future__ import annotations

import time

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, OptionList, TabbedContent

from tests.ui.helpers import until
from tests.ui.stub_phone import CONTACTS, T0, StubPhone
from tuiphone.config.schema import AppConfig, ContactsConfig, QuickDialEntry, UiConfig
from tuiphone.model.account import AccountConfig
from tuiphone.ui.app import TuiphoneApp
from tuiphone.ui.widgets.calls import CallsPane
from tuiphone.ui.widgets.contacts import ContactsPane


@pytest.fixture(autouse=True)
def _utc(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()


def snapshot_app(theme: str) -> TuiphoneApp:
    phone = StubPhone()

    async def factory() -> StubPhone:
        return phone

    config = AppConfig(
        accounts=(AccountConfig("local", "sip:me@127.0.0.1"),),
        ui=UiConfig(theme=theme),
        quickdial=(QuickDialEntry("Bob", "sip:bob@127.0.0.1"),
                   QuickDialEntry("Alice", "sip:alice@pbx.example", blf=True)),
        # a book, so the Contacts pane lists the stub's contacts (nothing reads this path)
        contacts=ContactsConfig(vdirs=("/nonexistent/tuiphone-snapshot-vdir",)),
    )
    return TuiphoneApp(factory, config, clock=lambda: T0)  # type: ignore[arg-type]


def before(tab: str | None = None, chat: bool = False):  # type: ignore[no-untyped-def]
    async def run(pilot: Pilot[object]) -> None:
        app = pilot.app
        assert isinstance(app, TuiphoneApp)
        for widget in app.query(Input):  # before any focus change: no blink timer toggles
            widget.cursor_blink = False
        await until(pilot, lambda: app.phone is not None)
        await until(pilot, lambda: app.main.query_one("#history-table", DataTable).row_count == 2)
        await until(pilot, lambda: app.main.query_one("#dialogs", OptionList).option_count == 2)
        app.main._poll_stats()
        await until(pilot, lambda: bool(app.main.query_one(CallsPane).stats))
        results = app.main.query_one("#contact-results", OptionList)
        await until(pilot, lambda: results.option_count == len(CONTACTS))
        await until(pilot, lambda: app.main.query_one(ContactsPane).shown == CONTACTS[0])
        app.main.open_chat("sip:echo@127.0.0.1")
        try:
            await until(pilot, lambda: app.focused is not None and app.focused.id == "chat-body")
        except AssertionError as err:  # say where focus went: this flaked under load
            main = app.main
            body = main.query_one("#chat-body")
            raise AssertionError(
                f"{err}: focused={app.focused!r} wanted={main._wanted_pane} "
                f"pending={main._focus_pending} target={main._focus_target} "
                f"tabs={[t.active for t in main.query(TabbedContent)]} "
                f"in_chain={body in main.focus_chain} displayed={body.display} "
                f"disabled={body.disabled} screen={app.screen!r}") from None
        if tab is not None:
            app.main.go(tab, focus=False)
            tabs = app.main.query_one("#tabs", TabbedContent)
            await until(pilot, lambda: tabs.active == f"tab-{tab}")
        # No focus in snapshots: a focused Input's cursor is drawn or not depending on
        # when its Focus event lands, which made them flaky on a loaded machine.
        app.screen.set_focus(None)
        await until(pilot, lambda: not any(w.has_focus for w in app.screen.query("*")))
        await pilot.wait_for_scheduled_animations()
        await pilot.pause()
    return run


@pytest.mark.parametrize("theme", ["tuiphone-dark", "tuiphone-light", "tuiphone-mono"])
def test_grid_160x48(snap_compare, theme: str) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(snapshot_app(theme), terminal_size=(160, 48), run_before=before())


def test_grid_120x40(snap_compare) -> None:  # type: ignore[no-untyped-def]
    """The smallest grid: 38-column panes."""
    assert snap_compare(snapshot_app("tuiphone-dark"), terminal_size=(120, 40),
                        run_before=before())


@pytest.mark.parametrize(("theme", "tab"), [
    ("tuiphone-dark", "dialpad"),
    ("tuiphone-light", "calls"),
    ("tuiphone-mono", "chat"),
    ("tuiphone-dark", "ladder"),
    ("tuiphone-mono", "quickdial"),
    ("tuiphone-light", "contacts"),
])
def test_tabs_80x24(snap_compare, theme: str, tab: str) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(snapshot_app(theme), terminal_size=(80, 24), run_before=before(tab))
