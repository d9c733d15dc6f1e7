"""The conference keys through the real Phone over the FakeBackend: F8 joins every
connected call (the held one resumed, as the CLI's ``conference`` does), members show
"⧉ conf" in the Calls pane, ``u`` takes the highlighted call out, ``s`` splits."""

from __future__ import annotations

from textual.widgets import DataTable

from tests.ui.helpers import make_app, until
from tuiphone.model.call import CallState, MediaState


def _cells(table: DataTable) -> list[str]:  # type: ignore[type-arg]
    return [str(c) for r in range(table.row_count) for c in table.get_row_at(r)]


async def test_join_mark_leave_and_split() -> None:
    app, phone = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await until(pilot, lambda: app.phone is not None)
        first = await phone.call("sip:carol@example.com")
        await until(pilot, lambda: any(c.state is CallState.CONNECTED for c in phone.state().calls))
        await phone.hold(first.id)
        await phone.call("sip:dave@example.com")
        await until(pilot, lambda: [c.state for c in phone.state().calls]
                    == [CallState.CONNECTED, CallState.CONNECTED])
        await pilot.press("f8")
        await until(pilot, lambda: all(c.conference for c in phone.state().calls))
        assert all(c.media is MediaState.ACTIVE for c in phone.state().calls)
        table = app.main.query_one("#active-calls", DataTable)
        await until(pilot, lambda: sum("⧉ conf" in t for t in _cells(table)) == 2)

        app.main.go("calls")
        await until(pilot, lambda: app.focused is not None and app.focused.id == "active-calls")
        await pilot.press("u")  # the highlighted (first) call leaves, held: a conference
        # of one is over
        await until(pilot, lambda: not any(c.conference for c in phone.state().calls))
        await until(pilot, lambda: not any("⧉ conf" in t for t in _cells(table)))
        assert {c.id: c.media for c in phone.state().calls}[first.id] is MediaState.LOCAL_HOLD

        await pilot.press("c")  # every connected call again, the held one resumed
        await until(pilot, lambda: all(c.conference for c in phone.state().calls))
        await pilot.press("s")
        await until(pilot, lambda: all(c.media is MediaState.LOCAL_HOLD and not c.conference
                                       for c in phone.state().calls))
