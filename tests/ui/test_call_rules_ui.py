"""Call rules in the TUI: the DND key and its status mark, a screened call that never
rings, and the dialling rule's rewrite shown under the dial box before dialling."""

from __future__ import annotations

import re

from textual.widgets import Static

from tests.ui.helpers import BOB, make_app, until
from tuiphone.engine.fake import FakeBackend
from tuiphone.engine.phone import Phone
from tuiphone.engine.setup import EngineSetup
from tuiphone.model.account import AccountConfig
from tuiphone.model.rules import CallRules, DialRule
from tuiphone.ui.screens.incoming import IncomingCallScreen
from tuiphone.ui.widgets.statusbar import StatusBar

RULE = DialRule(re.compile(r"0(\d+)"), r"+49\1")
ME = AccountConfig(id="local", uri="sip:me@127.0.0.1", rules=CallRules(dial_rules=(RULE,)))


def make() -> tuple:
    return make_app(Phone(EngineSetup(accounts=(ME, BOB)), FakeBackend()))


async def test_dnd_key_marks_the_status_bar_and_calls_do_not_ring() -> None:
    app, phone = make()
    async with app.run_test(size=(160, 48)) as pilot:
        await until(pilot, lambda: app.phone is not None)
        app.main.go("calls")
        await until(pilot, lambda: app.main.current_pane() == "calls")
        app.main.query_one("#history-table").focus()  # the filter box would type the "d"
        await until(pilot, lambda: app.focused is not None and app.focused.id == "history-table")
        await pilot.press("d")
        await until(pilot, lambda: phone.state().dnd == ("bob", "local"))
        status = app.main.query_one(StatusBar)
        await until(pilot, lambda: "⊘ DND" in status.render())
        out = await phone.call("sip:me@127.0.0.1", account_id="bob")
        await until(pilot, lambda: any(h.call_id == out.id for h in app.main.history))
        assert not isinstance(app.screen, IncomingCallScreen)
        history = await phone.history()
        assert "do not disturb (486)" in {h.reason for h in history}
        await pilot.press("d")
        await until(pilot, lambda: phone.state().dnd == ())
        await until(pilot, lambda: "DND" not in status.render())


async def test_the_dialling_rule_shows_what_will_be_dialled() -> None:
    app, _ = make()
    async with app.run_test(size=(160, 48)) as pilot:
        await until(pilot, lambda: app.phone is not None)
        await pilot.press(*"030 12")
        mode = app.main.query_one("#dial-mode", Static)
        await until(pilot, lambda: "Enter dials +493012 (dialling rule)" in str(mode.content))
        await pilot.press("ctrl+u")  # clear: a plain user is dialled as typed
        await pilot.press(*"bob")
        await until(pilot, lambda: str(mode.content) == "Enter dials")
