"""Recording from the Calls pane, the row's "● rec", record_calls = "ask", and the
sound-device picker; a real Phone over the FakeBackend."""

from __future__ import annotations

from typing import cast

from textual.widgets import DataTable, Input

from tests.ui.helpers import BOB, ME, make_app, make_phone, until
from tuiphone.config.appstate import load_audio_choices
from tuiphone.config.schema import AppConfig
from tuiphone.engine.fake import FakeBackend
from tuiphone.engine.phone import Phone
from tuiphone.engine.setup import EngineSetup
from tuiphone.model.backend import BackendSettings, MediaSettings
from tuiphone.model.call import CallState
from tuiphone.ui.app import TuiphoneApp
from tuiphone.ui.screens.incoming import IncomingCallScreen
from tuiphone.ui.screens.prompt import ChooseScreen, ConfirmScreen, PromptScreen
from tuiphone.ui.widgets.calls import CallsPane


def _row_text(app: TuiphoneApp) -> str:
    table = app.main.query_one(CallsPane).query_one("#active-calls", DataTable)
    return " ".join(str(c) for r in range(table.row_count) for c in table.get_row_at(r))


async def test_r_records_the_call_and_the_row_says_so(tmp_path) -> None:
    app, phone = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await until(pilot, lambda: app.phone is not None)
        await pilot.press(*"echo", "enter")
        await until(pilot, lambda: [c.state for c in phone.state().calls] == [CallState.CONNECTED])
        app.main.go("calls")
        await until(pilot, lambda: app.focused is not None and app.focused.id == "active-calls")
        await pilot.press("r")  # no record_dir: it asks for a file
        await until(pilot, lambda: isinstance(app.screen, PromptScreen))
        app.screen.query_one("#prompt-input", Input).value = str(tmp_path / "c.wav")
        await pilot.press("enter")
        await until(pilot, lambda: "● rec" in _row_text(app))
        assert phone.state().calls[0].recording == str(tmp_path / "c.wav")
        await pilot.press("r")  # again: stop
        await until(pilot, lambda: "● rec" not in _row_text(app))
        assert not phone.state().calls[0].recording


async def test_record_calls_ask_asks_on_answer(tmp_path) -> None:
    media = MediaSettings(record_dir=str(tmp_path), record_calls="ask")
    phone = Phone(EngineSetup(accounts=(ME, BOB), backend=BackendSettings(media=media)),
                  FakeBackend())
    app, _ = make_app(phone)
    app.main.audio_actions.ask_record = True  # what [audio] record_calls = "ask" sets
    async with app.run_test(size=(160, 48)) as pilot:
        await until(pilot, lambda: app.phone is not None)
        await phone.call("sip:me@127.0.0.1", account_id="bob")
        await until(pilot, lambda: isinstance(app.screen, IncomingCallScreen))
        await pilot.press("a")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")
        await until(pilot, lambda: any(c.recording for c in phone.state().calls))
        (rec,) = [c.recording for c in phone.state().calls if c.recording]
        assert rec.startswith(str(tmp_path))


def test_the_app_asks_only_with_record_calls_ask() -> None:
    def ask(record_calls: str) -> bool:
        config = AppConfig(accounts=(ME,), audio=MediaSettings(record_calls=record_calls))
        return TuiphoneApp(lambda: None, config).main.audio_actions.ask_record  # type: ignore[arg-type]

    assert ask("ask")
    assert not ask("all")
    assert not ask("none")


async def test_device_picker_sets_the_output() -> None:
    app, phone = make_app(make_phone())
    async with app.run_test(size=(160, 48)) as pilot:
        await until(pilot, lambda: app.phone is not None)
        await pilot.press("ctrl+backslash")
        await until(pilot, lambda: isinstance(app.screen, ChooseScreen))
        await pilot.press("2")  # Speaker (output)
        await until(pilot, lambda: isinstance(app.screen, ChooseScreen)
                    and "Output" in str(app.screen.question))
        await pilot.press("3")  # 1 system default, 2 "default", 3 "Headset"
        backend = cast(FakeBackend, phone.backend)
        await until(pilot, lambda: backend.chosen_devices == {"output": "1"})
        # kept across restarts by name (an index moves when devices come and go)
        await until(pilot, lambda: load_audio_choices() == {"output": "Headset"})
