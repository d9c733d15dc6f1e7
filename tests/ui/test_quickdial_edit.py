"""QuickDial editing in the pane (remove, reorder, add; saved to state.toml at once)
and the voicemail box (F9 redirects to it, F10 dials it)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import Input

from tests.ui.helpers import ME, make_app, running, until
from tuiphone.config.appstate import load_quickdial
from tuiphone.config.schema import QuickDialEntry
from tuiphone.model.call import CallState
from tuiphone.ui.app import TuiphoneApp
from tuiphone.ui.screens.prompt import PromptScreen
from tuiphone.ui.widgets.quickdial import QuickDial


def _order(app: TuiphoneApp) -> list[str]:
    return [f.label for f in app.main.query_one(QuickDial).favourites]


def _labels_on_screen(app: TuiphoneApp) -> list[str]:
    quickdial = app.main.query_one(QuickDial)
    return [str(b.label).split("  ")[1] for b in quickdial.query(".favourite")]


async def _focus_key(app: TuiphoneApp, pilot: Pilot[int], index: int) -> None:
    if app.focused is None or not (app.focused.id or "").startswith("fav-"):
        app.main.go("quickdial")  # focuses the first key after a refresh
        await until(pilot, lambda: app.focused is not None and app.focused.id == "fav-0")
    app.main.query_one(f"#fav-{index}").focus()
    await until(pilot, lambda: app.main.query_one(QuickDial).current == index
                and app.focused is not None and app.focused.id == f"fav-{index}")


async def test_remove_key_saves_and_echo_key_stays(tmp_path: Path) -> None:
    state = tmp_path / "state.toml"
    app, _ = make_app()
    app.main.quickdial_keys.state_path = state
    async with running(app) as pilot:
        await _focus_key(app, pilot, 0)
        await pilot.press("delete")
        await until(pilot, lambda: load_quickdial(state) is not None)
        assert _order(app) == ["Alice", "echo test"]
        await until(pilot, lambda: _labels_on_screen(app) == ["Alice", "echo test"])
        assert load_quickdial(state) == (
            QuickDialEntry("Alice", "sip:alice@example.com", blf=True),)
        await _focus_key(app, pilot, 1)
        await pilot.press("delete")
        await until(pilot, lambda: any("can't be removed" in n.message
                                       for n in app._notifications))
        assert _order(app) == ["Alice", "echo test"]
        assert load_quickdial(state) == (
            QuickDialEntry("Alice", "sip:alice@example.com", blf=True),)


async def test_move_keys_up_and_down_saves_order(tmp_path: Path) -> None:
    state = tmp_path / "state.toml"
    app, _ = make_app()
    app.main.quickdial_keys.state_path = state
    async with running(app) as pilot:
        await _focus_key(app, pilot, 0)
        await pilot.press("shift+down")
        await until(pilot, lambda: load_quickdial(state) is not None)
        assert _order(app) == ["Alice", "Bob", "echo test"]
        await until(pilot, lambda: _labels_on_screen(app) == ["Alice", "Bob", "echo test"])
        assert app.focused is not None
        assert app.focused.id == "fav-1"  # focus moves with the key
        assert [e.label for e in load_quickdial(state) or ()] == ["Alice", "Bob"]
        assert (load_quickdial(state) or ())[0].blf is True
        await pilot.press("shift+up")
        await until(pilot, lambda: [e.label for e in load_quickdial(state) or ()]
                    == ["Bob", "Alice"])
        assert _order(app) == ["Bob", "Alice", "echo test"]
        await until(pilot, lambda: _labels_on_screen(app) == ["Bob", "Alice", "echo test"])


async def test_add_key_through_prompt(tmp_path: Path) -> None:
    state = tmp_path / "state.toml"
    app, _ = make_app()
    app.main.quickdial_keys.state_path = state
    async with running(app) as pilot:
        await _focus_key(app, pilot, 0)
        await pilot.press("n")
        await until(pilot, lambda: isinstance(app.screen, PromptScreen))
        app.screen.query_one(Input).value = "sip:carol@example.com Carol Desk"
        await pilot.press("enter")
        await until(pilot, lambda: load_quickdial(state) is not None)
        assert _order(app) == ["Bob", "Alice", "echo test", "Carol Desk"]
        await until(pilot, lambda: _labels_on_screen(app)
                    == ["Bob", "Alice", "echo test", "Carol Desk"])
        saved = load_quickdial(state) or ()
        assert [(e.label, e.uri) for e in saved] == [
            ("Bob", "sip:bob@127.0.0.1"), ("Alice", "sip:alice@example.com"),
            ("Carol Desk", "sip:carol@example.com")]


async def test_voicemail_key_dials_the_default_accounts_box() -> None:
    app, phone = make_app()
    config = app.config
    assert config is not None
    box = dataclasses.replace(ME, voicemail="sip:voicemail@127.0.0.1")
    app = TuiphoneApp(app.phone_factory,
                      dataclasses.replace(config, accounts=(box, *config.accounts[1:])))
    assert app.main.voicemail_uri == "sip:voicemail@127.0.0.1"
    async with running(app) as pilot:
        await pilot.press("f10")
        await until(pilot, lambda: [(c.remote_uri, c.state) for c in phone.state().calls]
                    == [("sip:voicemail@127.0.0.1", CallState.CONNECTED)])


async def test_voicemail_key_without_a_box_says_so() -> None:
    app, phone = make_app()
    async with running(app) as pilot:
        await pilot.press("f10")
        await until(pilot, lambda: any("No voicemail configured" in n.message
                                       for n in app._notifications))
        assert not phone.state().calls
