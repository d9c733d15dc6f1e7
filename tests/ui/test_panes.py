"""QuickDial, Contacts and the SIP ladder, each with the smallest real input."""

from __future__ import annotations

from textual.widgets import Button, Input, OptionList, Static

from tests.ui.helpers import make_app, until
from tests.ui.stub_phone import TRACE, StubPhone
from tuiphone.commands.trace.ladder import arrow, group_dialogs, summary
from tuiphone.model.call import CallState
from tuiphone.ui.app import TuiphoneApp
from tuiphone.ui.widgets.contacts import NO_BOOKS


def test_ladder_groups_by_call_id_and_draws_direction() -> None:
    dialogs = group_dialogs(TRACE)
    assert [d.call_id for d in dialogs] == ["call-1", "msg-1"]
    assert [summary(e) for e in dialogs[0].entries] == [
        "INVITE", "100 Trying", "180 Ringing", "200 OK", "ACK"]
    t0 = TRACE[0].timestamp
    assert arrow(TRACE[0], t0, 20).endswith("▶│")
    assert "+0.000s" in arrow(TRACE[0], t0, 20)
    assert "│◀" in arrow(TRACE[1], t0, 20)
    assert "100 Trying" in arrow(TRACE[1], t0, 20)


async def test_ladder_pane_shows_raw_message_of_highlighted_rung() -> None:
    phone = StubPhone()

    async def factory() -> StubPhone:
        return phone

    app = TuiphoneApp(factory)  # type: ignore[arg-type]
    async with app.run_test(size=(160, 48)) as pilot:
        dialogs = app.main.query_one("#dialogs", OptionList)
        await until(pilot, lambda: dialogs.option_count == 2)
        dialogs.highlighted = 0
        rungs = app.main.query_one("#ladder-rungs", OptionList)
        await until(pilot, lambda: rungs.option_count == 5)
        rungs.highlighted = 2
        raw = app.main.query_one("#raw", Static)
        await until(pilot, lambda: "SIP/2.0 180 Ringing" in str(raw.content))
        assert "RX UDP 127.0.0.1:5062" in str(raw.content)


async def test_quickdial_button_dials_and_lamp_lights() -> None:
    app, phone = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await until(pilot, lambda: app.phone is not None)
        await pilot.click("#fav-0")  # Bob, a local account: rings him
        await until(pilot, lambda: any(c.state is CallState.RINGING for c in phone.state().calls))
        assert app.main.query_one("#fav-0", Button).has_class("-ringing")
        assert "◎ R" in str(app.main.query_one("#fav-0", Button).label)


async def test_contacts_without_books_says_so() -> None:
    app, _ = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        assert str(app.main.query_one("#contact-detail", Static).content) == NO_BOOKS
        assert app.main.query_one("#contact-search", Input).disabled
