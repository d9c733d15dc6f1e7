"""The footer fits its width: the screen's call keys go first (from the last one), then
the focused pane's own; Quit, Help and the palette key stay, and a "…" says keys were
left out. No key is cut mid-word under the palette key."""

from __future__ import annotations

from textual.widgets import Input

from tests.ui.helpers import make_app, running, screen_lines, until
from tuiphone.ui.widgets.footer import FitFooter


def shown(app) -> list[str]:  # type: ignore[no-untyped-def]
    footer = app.screen.query_one(FitFooter)
    return [str(getattr(w, "description", "") or w.render()) for w in footer.children]


async def chat_focused(size: tuple[int, int]) -> tuple[list[str], str]:
    app, _ = make_app()
    async with running(app, size=size) as pilot:
        app.main.open_chat("sip:echo@127.0.0.1")
        await until(pilot, lambda: app.focused is app.main.query_one("#chat-body", Input))
        await until(pilot, lambda: "Search chat" in shown(app))
        await until(pilot, lambda: app.screen.query_one(FitFooter)._fitted_width == size[0])
        await pilot.pause()
        return shown(app), screen_lines(app)[-1]


async def test_80_columns_leave_out_call_keys_first_and_say_so() -> None:
    keys, line = await chat_focused((80, 24))
    assert keys[:2] == ["Search chat", "Attach file"]  # the pane's own stay longest
    assert "Quit" in keys
    assert "Help" in keys
    assert "palette" in keys
    assert "Mute" not in keys  # the screen's last call key went first
    assert keys[-1] == "…"
    assert " ^q Quit " in line
    assert " f1 Help " in line
    assert line.rstrip().endswith("^p palette")


async def test_a_wide_footer_shows_every_key() -> None:
    keys, line = await chat_focused((160, 48))
    assert "…" not in keys
    assert {"Search chat", "Attach file", "Answer", "Hang up", "Hold", "Mute", "Quit",
            "Help"} <= set(keys)
    assert " f5 Mute " in line
