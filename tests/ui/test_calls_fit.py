"""The calls table fits its pane: MOS goes first, then Codec, then the identity and lock
words shorten and at last end in an ellipsis; the address is never cut, no cell wraps."""

from __future__ import annotations

import pytest
from textual.app import App, ComposeResult
from textual.widgets import DataTable

from tests.ui.helpers import until
from tuiphone.model.call import CallInfo, CallSecurity, CallState, CallStats, Direction, MediaState
from tuiphone.model.trust import CallerIdentity, Vouch
from tuiphone.ui.widgets.calls import CallsPane

T0 = 1_700_000_000.0
CAROL = "carol@127.0.0.1"


def call(identity: Vouch | None = Vouch.PASSED, muted: bool = False,
         uri: str = f"sip:{CAROL}") -> CallInfo:
    return CallInfo("c1", "alice", Direction.INCOMING, uri, CallState.CONNECTED,
                    media=MediaState.ACTIVE, muted=muted, started=T0 - 75, answered=T0 - 72,
                    identity=CallerIdentity(identity) if identity else None,
                    security=CallSecurity("udp"))


class Host(App[None]):
    def __init__(self, width: int) -> None:
        super().__init__()
        self.pane_width = width

    def compose(self) -> ComposeResult:
        pane = CallsPane(clock=lambda: T0, id="calls")
        pane.styles.width = self.pane_width
        yield pane


async def shown(width: int, info: CallInfo) -> tuple[list[str], list[str]]:
    """The headings and the screen lines of the table in a pane ``width`` wide."""
    app = Host(width)
    async with app.run_test(size=(160, 20)) as pilot:
        pane = app.query_one(CallsPane)
        pane.stats = {"c1": CallStats("PCMU", 8000, mos=4.4)}
        pane.calls = (info,)
        table = pane.query_one("#active-calls", DataTable)
        await until(pilot, lambda: table.row_count == 1 and table.size.width == width)
        await pilot.pause()
        heads = [str(c.label) for c in table.columns.values()]
        lines = [table.render_line(y).text.rstrip() for y in range(table.size.height)]
        return heads, lines


async def test_a_wide_pane_shows_every_column_and_the_long_words() -> None:
    heads, lines = await shown(110, call())
    assert heads == ["State", "Party", "Time", "Codec", "MOS"]
    assert f"{CAROL}  ✔ TN-Validation-Passed  unencrypted: signalling" in lines[1]
    assert lines[1].endswith("PCMU   4.4")


@pytest.mark.parametrize(("width", "heads"), [
    (100, ["State", "Party", "Time", "Codec"]),  # MOS goes first
    (95, ["State", "Party", "Time"]),  # then Codec
])
async def test_mos_then_codec_give_way(width: int, heads: list[str]) -> None:
    got, lines = await shown(width, call())
    assert got == heads
    assert "✔ TN-Validation-Passed  unencrypted: signalling" in lines[1]
    assert "…" not in lines[1]


async def test_then_the_words_shorten() -> None:
    heads, lines = await shown(70, call())
    assert heads == ["State", "Party", "Time"]
    assert lines[1].split() == ["●", "Connected", CAROL, "✔", "TN-passed", "unenc:", "sig,",
                                "media", "1:12"]


async def test_at_last_the_words_end_in_an_ellipsis() -> None:
    heads, lines = await shown(50, call())
    assert heads == ["State", "Party", "Time"]
    assert f"Connected  {CAROL}  ✔ TN-passed" in lines[1]
    assert lines[1].endswith("…  1:12")


async def test_a_38_column_grid_pane_keeps_the_address_and_the_time() -> None:
    """The 120x40 grid's Calls pane (36 cells inside): only the address and the time fit,
    so the words go (the e2e tmux test reads "Connected  carol@127.0.0.1" there)."""
    heads, lines = await shown(36, call())
    assert heads == ["State", "Party", "Time"]
    assert lines[1].split() == ["●", "Connected", CAROL, "1:12"]
    assert len(lines) == 2  # a heading and one row: nothing wrapped, no sideways scrollbar


async def test_muted_stays_with_the_address() -> None:
    _, lines = await shown(46, call(muted=True))
    assert f"{CAROL} (muted)" in lines[1]
    assert lines[1].endswith("1:12")


async def test_the_address_is_never_cut() -> None:
    """Wider than the pane: its column keeps it whole (the table scrolls sideways)."""
    address = "someone.with.a.long.name@pbx.example.com"
    app = Host(36)
    async with app.run_test(size=(160, 20)) as pilot:
        pane = app.query_one(CallsPane)
        pane.calls = (call(uri=f"sip:{address}"),)
        table = pane.query_one("#active-calls", DataTable)
        await until(pilot, lambda: table.row_count == 1 and table.size.width == 36)
        party = list(table.columns.values())[1]
        assert party.width >= len(address)
        assert str(table.get_row_at(0)[1]) == address


async def test_a_pane_narrower_than_the_headings_with_no_call() -> None:
    app = Host(12)
    async with app.run_test(size=(160, 20)) as pilot:
        pane = app.query_one(CallsPane)
        pane.calls = ()
        await pilot.pause()
        assert [str(c.label) for c in pane.query_one(DataTable).columns.values()] == [
            "State", "Party", "Time"]
