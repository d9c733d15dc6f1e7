"""What the network vouched for about a caller, on screen: the incoming-call modal, the
active-call list and history (glyph and word, so it reads without colour)."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import DataTable, Input, Label

from tests.ui.helpers import make_app, until
from tuiphone.model.call import CallInfo, CallState, Direction, HistoryEntry
from tuiphone.model.trust import CallerIdentity, Vouch
from tuiphone.ui.screens.incoming import IncomingCallScreen
from tuiphone.ui.widgets.calls import CallsPane
from tuiphone.ui.widgets.history import HistoryView


def incoming(identity: CallerIdentity | None, uri: str = "sip:+4930123@carrier.test") -> CallInfo:
    return CallInfo(id="c1", account_id="alice", direction=Direction.INCOMING, remote_uri=uri,
                    state=CallState.INCOMING, identity=identity)


def entry(call_id: str, vouch: Vouch | None) -> HistoryEntry:
    return HistoryEntry(call_id=call_id, account_id="alice", direction=Direction.INCOMING,
                        remote_uri=f"sip:{call_id}@carrier.test", started=1.0e9, answered=None,
                        ended=1.0e9 + 5, code=487, reason="Request Terminated", identity=vouch)


class Host(App[None]):
    def compose(self) -> ComposeResult:
        yield CallsPane(id="calls")


async def test_the_incoming_screen_says_who_vouched_and_what_from_claimed() -> None:
    passed = CallerIdentity(Vouch.PASSED, asserted_by="P-Asserted-Identity",
                            verstat="TN-Validation-Passed", claimed="sip:anon@scam.test")
    app, _ = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: app.phone is not None)
        app.call_later(app.push_screen, IncomingCallScreen(incoming(passed), "+4930123"))
        await until(pilot, lambda: bool(app.screen.query("#incoming-identity")))
        line = app.screen.query_one("#incoming-identity", Label)
        text = str(line.content)
        assert text.startswith("✔ TN-Validation-Passed · from P-Asserted-Identity")
        assert "From header says anon@scam.test" in text
        assert line.has_class("-vouched")


async def test_an_unverified_or_failed_caller_is_marked_doubtful() -> None:
    app, _ = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: app.phone is not None)
        for vouch, words in ((Vouch.UNVERIFIED, "? unverified"),
                             (Vouch.FAILED, "✘ TN-Validation-Failed")):
            screen = IncomingCallScreen(incoming(CallerIdentity(vouch)), "x")
            app.call_later(app.push_screen, screen)
            await until(pilot, lambda: bool(app.screen.query("#incoming-identity")))
            line = app.screen.query_one("#incoming-identity", Label)
            assert str(line.content) == words
            assert line.has_class("-doubtful")
            app.call_later(app.pop_screen)
            await until(pilot, lambda: not isinstance(app.screen, IncomingCallScreen))


async def test_call_list_and_history_carry_the_mark_and_history_filters_on_it() -> None:
    app = Host()
    async with app.run_test(size=(160, 40)) as pilot:
        pane = app.query_one(CallsPane)
        pane.calls = (incoming(CallerIdentity(Vouch.VERIFIED)),)
        table = pane.query_one("#active-calls", DataTable)
        await until(pilot, lambda: table.row_count == 1)
        assert str(table.get_row_at(0)[1]).endswith("✔ verified")
        view = pane.query_one(HistoryView)
        pane.history = (entry("good", Vouch.PASSED), entry("bad", Vouch.FAILED),
                        entry("old", None))
        rows = view.query_one("#history-table", DataTable)
        await until(pilot, lambda: rows.row_count == 3)
        parties = [str(rows.get_row_at(r)[2]) for r in range(rows.row_count)]
        assert parties == ["good@carrier.test  ✔ TN-Validation-Passed",
                           "bad@carrier.test  ✘ TN-Validation-Failed", "old@carrier.test"]
        view.query_one("#history-filter", Input).value = "failed"
        await until(pilot, lambda: rows.row_count == 1)
        assert str(rows.get_row_at(0)[2]).startswith("bad@")
