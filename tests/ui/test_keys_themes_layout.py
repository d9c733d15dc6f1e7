"""Keymap overrides, themes, the 80×24 tab layout, help and the palette."""

from __future__ import annotations

import filecmp
from pathlib import Path
from typing import Any

from textual.widgets import DataTable, OptionList, Static, TabbedContent

from tests.ui.helpers import make_app, until
from tuiphone.model.call import CallState
from tuiphone.ui.actions import ACTIONS
from tuiphone.ui.bindings import format_bindings
from tuiphone.ui.screens.help import HelpScreen
from tuiphone.ui.themes import BUILTIN_DIR, load_themes
from tuiphone.ui.widgets.statusbar import StatusBar

REPO_THEMES = Path(__file__).resolve().parents[2] / "themes"


def test_package_themes_are_a_copy_of_repo_themes() -> None:
    names = sorted(p.name for p in REPO_THEMES.glob("*.toml"))
    assert len(names) >= 3
    match, mismatch, errors = filecmp.cmpfiles(REPO_THEMES, BUILTIN_DIR, names, shallow=False)
    assert (mismatch, errors) == ([], [])
    themes, problems = load_themes(BUILTIN_DIR)
    assert problems == []
    assert {"tuiphone-dark", "tuiphone-light", "tuiphone-mono"} <= {t.name for t in themes}


def test_action_ids_unique_and_listed() -> None:
    ids = [a.id for a in ACTIONS]
    assert len(ids) == len(set(ids))
    lines = format_bindings({"call.hangup": "ctrl+x"}).splitlines()
    assert len(lines) == len(ACTIONS)
    hangup = next(line for line in lines if line.startswith("call.hangup"))
    assert hangup.split()[1] == "ctrl+x"


def test_every_f_key_action_has_a_key_without_f_keys() -> None:
    """Mobile SSH clients and some terminals send no F-keys; --bindings names the other key."""
    import re

    from tuiphone.ui.actions import alternates

    f_key = re.compile(r"^f\d+$")
    for spec in ACTIONS:
        if any(f_key.match(k) for k in spec.key.split(",")):
            others = [o for o in alternates(spec) if not f_key.match(o.key)]
            assert others, f"{spec.id} ({spec.key}) has no binding without an F-key"
    lines = format_bindings({"calls.hangup": "k"}).splitlines()
    hangup = next(line for line in lines if line.startswith("call.hangup"))
    assert hangup.endswith("Hang up  (also: k in calls)")
    assert any(line.split()[:2] == ["app.help_key", "?"] for line in lines)


async def test_keymap_override_moves_hangup() -> None:
    app, phone = make_app(keymap={"call.hangup": "f10"})
    async with app.run_test(size=(160, 48)) as pilot:
        await until(pilot, lambda: app.phone is not None)
        await pilot.press(*"echo", "enter")
        await until(pilot, lambda: [c.state for c in phone.state().calls] == [CallState.CONNECTED])
        await pilot.press("f3")  # the default key no longer hangs up
        for _ in range(5):
            await pilot.pause()
        assert phone.state().calls
        await pilot.press("f10")
        await until(pilot, lambda: not phone.state().calls)


async def test_theme_from_config_and_cycle() -> None:
    app, _ = make_app(theme="tuiphone-light")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert app.theme == "tuiphone-light"
        await pilot.press("f12")
        assert app.theme == "tuiphone-mono"
        await pilot.press("f12")
        assert app.theme == "tuiphone-dark"


async def test_broken_and_unknown_theme_notify_and_fall_back(tmp_path: Path) -> None:
    (tmp_path / "bad.toml").write_text('name = "bad"\nprimary = "not-a-colour"\n')
    (tmp_path / "worse.toml").write_text("name = [\n")
    app, _ = make_app(theme="bad")
    app.theme_dirs = (BUILTIN_DIR, tmp_path)
    app._theme_problems = app._install_themes()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert app.theme == "tuiphone-dark"
        texts = " ".join(n.message for n in app._notifications)
        assert "bad.toml" in texts
        assert "worse.toml" in texts
        assert "No theme 'bad'" in texts


async def test_user_theme_folder_is_loaded(tmp_path: Path) -> None:
    folder = Path(__import__("os").environ["XDG_CONFIG_HOME"]) / "tuiphone" / "themes"
    folder.mkdir(parents=True)
    (folder / "mine.toml").write_text('name = "mine"\nprimary = "#ff8800"\ndark = true\n')
    app, _ = make_app(theme="mine")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert app.theme == "mine"


def focused_in(app: Any, pane_id: str) -> bool:
    """Whether the focused widget lies inside the tab pane ``pane_id``."""
    focused = app.focused
    return focused is not None and any(n.id == pane_id for n in focused.ancestors_with_self)


async def test_small_terminal_uses_tabs_and_ctrl_n_moves() -> None:
    app, _ = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: focused_in(app, "tab-dialpad"))
        tabs = app.main.query_one(TabbedContent)
        assert tabs.active == "tab-dialpad"
        await pilot.press("ctrl+n")
        await until(pilot, lambda: tabs.active == "tab-calls")
        await until(pilot, lambda: app.main.current_pane() == "calls")
        # TabbedContent follows focus: switch back only once focus is in the new tab,
        # or a late focus event would undo the switch.
        await until(pilot, lambda: focused_in(app, "tab-calls"))
        assert tabs.active == "tab-calls"
        await pilot.press("ctrl+g")
        await until(pilot, lambda: tabs.active == "tab-dialpad")
        await until(pilot, lambda: app.focused is not None and app.focused.id == "dial-input")


async def test_resize_switches_layout_and_keeps_history() -> None:
    app, phone = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: app.phone is not None)
        await pilot.press(*"busy", "enter")
        await until(pilot, lambda: len(app.main.history) == 1)
        await pilot.resize_terminal(160, 48)
        await until(pilot, lambda: app.main.wide and not app.main.query(TabbedContent))
        table = app.main.query_one("#history-table", DataTable)
        await until(pilot, lambda: table.row_count == 1)
        # the rebuilt status bar shows what the engine said before the resize
        status = app.main.query_one(StatusBar)
        await until(pilot, lambda: status.engine == "local" and "busy" not in status.render())


async def test_help_lists_focused_pane_keys() -> None:
    app, _ = make_app(keymap={"dialpad.mode": "ctrl+z"})
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("f1")
        await until(pilot, lambda: isinstance(app.screen, HelpScreen))
        text = str(app.screen.query_one("#help-text", Static).content)
        assert "ctrl+z" in text
        assert "Tones" in text
        assert "Hang up" in text
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is app.main)


async def choose_in_palette(pilot, app, typed: str, wanted: str) -> None:  # type: ignore[no-untyped-def]
    """Open the command palette, type ``typed``, move to the hit showing ``wanted``, Enter."""
    await pilot.press("ctrl+p")
    await pilot.pause()
    await pilot.press(*typed)
    await until(pilot, lambda: wanted in str(
        [str(o.prompt) for o in app.screen.query("CommandList").first(OptionList).options]))
    for _ in range(20):
        highlighted = app.screen.query("CommandList").first(OptionList)
        option = highlighted.get_option_at_index(highlighted.highlighted or 0)
        if wanted in str(option.prompt):
            break
        await pilot.press("down")
    await pilot.press("enter")


async def test_palette_dials() -> None:
    app, phone = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: app.phone is not None)
        await choose_in_palette(pilot, app, "noanswer", "Dial noanswer")
        await until(pilot, lambda: [c.state for c in phone.state().calls] == [CallState.RINGING])


async def test_palette_runs_a_command_line() -> None:
    app, _phone = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: app.phone is not None)
        await choose_in_palette(pilot, app, "accounts", "Run command: accounts")
        await until(pilot, lambda: any(n.title == "accounts" and "bob" in n.message
                                       for n in app._notifications))


def test_status_bar_drops_the_least_important_parts_first() -> None:
    from tuiphone.ui.widgets.statusbar import fit

    parts = [(3, "engine: local"), (0, "work ● registered via 198.18.0.1"), (1, "✉ MWI 2"),
             (4, "audio: null")]
    assert fit(parts, 200).endswith("audio: null")
    assert fit(parts, 62) == "engine: local  │  work ● registered via 198.18.0.1  │  ✉ MWI 2"
    assert fit(parts, 45) == "work ● registered via 198.18.0.1  │  ✉ MWI 2"
    assert fit(parts, 20) == "work ● registered v…"


def test_columns_give_way_in_order_down_to_a_floor() -> None:
    from tuiphone.ui.columns import fit

    assert fit([11, 5, 20, 13, 3], 60, flexible=(2, 3)) == [11, 5, 20, 13, 3]
    assert fit([11, 5, 20, 13, 3], 40, flexible=(2, 3)) == [11, 5, 8, 13, 3]
    assert fit([11, 5, 20, 13, 3], 30, flexible=(2, 3)) == [11, 5, 6, 6, 3]
