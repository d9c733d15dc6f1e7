"""Call flows through the real Phone over the FakeBackend."""

from __future__ import annotations

import asyncio
from typing import cast

from textual.widgets import DataTable, Input, Static

from tests.ui.helpers import make_app, make_phone, until
from tuiphone.engine.fake import FakeBackend
from tuiphone.engine.phone import Phone
from tuiphone.model.call import CallState, MediaState
from tuiphone.model.lamp import LampState
from tuiphone.ui.app import TuiphoneApp
from tuiphone.ui.screens.incoming import IncomingCallScreen
from tuiphone.ui.widgets.calls import CallsPane
from tuiphone.ui.widgets.quickdial import QuickDial


def _cell_texts(table: DataTable) -> list[str]:  # type: ignore[type-arg]
    return [str(c) for r in range(table.row_count) for c in table.get_row_at(r)]


async def test_focus_starts_in_dialpad() -> None:
    app, _ = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert app.focused is not None
        assert app.focused.id == "dial-input"


async def test_dial_echo_connect_hang_up_history() -> None:
    app, phone = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await until(pilot, lambda: app.phone is not None)
        await pilot.press(*"echo", "enter")
        await until(pilot, lambda: [c.state for c in phone.state().calls] == [CallState.CONNECTED])
        pane = app.main.query_one(CallsPane)
        await until(pilot, lambda: any("Connected" in t for t in _cell_texts(
            pane.query_one("#active-calls", DataTable))))
        assert app.main.query_one(QuickDial).lamp_of("echo test") is LampState.BUSY
        await pilot.press("f3")
        await until(pilot, lambda: not phone.state().calls)
        history = pane.query_one("#history-table", DataTable)
        await until(pilot, lambda: history.row_count == 1)
        assert "echo@127.0.0.1" in _cell_texts(history)
        assert "Ended" in str(pane.query_one("#last-ended", Static).content)
        assert app.main.query_one(QuickDial).lamp_of("echo test") is LampState.IDLE


async def test_busy_callee_shows_cause() -> None:
    app, phone = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await until(pilot, lambda: app.phone is not None)
        await pilot.press(*"sip:busy@example.com", "enter")
        last = app.main.query_one("#last-ended", Static)
        await until(pilot, lambda: "486 Busy Here" in str(last.content))
        assert "Ended" in str(last.content)


async def test_digits_in_call_are_dtmf_echoed_back() -> None:
    app, phone = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await until(pilot, lambda: app.phone is not None)
        await pilot.press(*"echo", "enter")
        await until(pilot, lambda: app.main.query_one("#dialpad").has_class("-tones"))
        await pilot.press("1", "2", "#")
        call_id = phone.state().calls[0].id
        assert app.main.query_one("#dial-input", Input).value == ""
        await until(pilot, lambda: cast(FakeBackend, phone.backend).sent_dtmf.get(call_id) == "12#")
        rx = app.main.query_one("#dtmf-rx", Static)
        await until(pilot, lambda: "12#" in str(rx.content))


async def test_hold_and_mute_toggle() -> None:
    app, phone = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await until(pilot, lambda: app.phone is not None)
        await pilot.press(*"echo", "enter")
        await until(pilot, lambda: [c.state for c in phone.state().calls] == [CallState.CONNECTED])
        await pilot.press("f4")
        await until(pilot, lambda: phone.state().calls[0].media is MediaState.LOCAL_HOLD)
        table = app.main.query_one("#active-calls", DataTable)
        await until(pilot, lambda: any("On hold" in t for t in _cell_texts(table)))
        await pilot.press("f4")
        await until(pilot, lambda: phone.state().calls[0].media is MediaState.ACTIVE)
        await pilot.press("f5")
        await until(pilot, lambda: phone.state().calls[0].muted)


async def test_incoming_call_modal_answer() -> None:
    app, phone = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: app.phone is not None)
        await phone.call("sip:me@127.0.0.1", account_id="bob")
        await until(pilot, lambda: isinstance(app.screen, IncomingCallScreen))
        assert "bob@127.0.0.1" in str(app.screen.query_one("#incoming-caller", Static).content)
        await pilot.press("a")
        await until(pilot, lambda: sorted(c.state.value for c in phone.state().calls)
                    == ["connected", "connected"])
        assert app.screen is app.main


async def test_incoming_call_reject_and_voicemail_fallback() -> None:
    app, phone = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: app.phone is not None)
        out = await phone.call("sip:me@127.0.0.1", account_id="bob")
        await until(pilot, lambda: isinstance(app.screen, IncomingCallScreen))
        await pilot.press("v")  # no voicemail configured: reject with 486
        await until(pilot, lambda: not phone.state().calls)
        history = await phone.history()
        assert {h.code for h in history if h.call_id == out.id} == {486}


async def test_call_waiting_holds_first_call() -> None:
    app, phone = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await until(pilot, lambda: app.phone is not None)
        await pilot.press(*"echo", "enter")
        await until(pilot, lambda: [c.state for c in phone.state().calls] == [CallState.CONNECTED])
        await phone.call("sip:me@127.0.0.1", account_id="bob")
        await until(pilot, lambda: isinstance(app.screen, IncomingCallScreen))
        assert "waiting" in str(app.screen.query_one("#incoming-title", Static).content)
        await pilot.press("a")
        mine = [c for c in phone.state().calls if c.account_id == "local"]
        await until(pilot, lambda: len([c for c in phone.state().calls
                                        if c.account_id == "local"]) == 2
                    and any(c.media is MediaState.LOCAL_HOLD for c in phone.state().calls))
        assert mine


async def test_dial_typed_before_the_engine_is_up_waits_for_it() -> None:
    phone = make_phone()
    gate = asyncio.Event()

    async def slow_factory() -> Phone:
        await gate.wait()  # the engine starts only when the test says so
        await phone.start()
        return phone

    app = TuiphoneApp(slow_factory, make_app(phone)[0].config, clock=lambda: 1_700_000_000.0)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.press(*"echo", "enter")
        await pilot.pause()
        assert app.phone is None
        gate.set()
        await until(pilot, lambda: [c.state for c in phone.state().calls] == [CallState.CONNECTED])


async def test_call_keys_without_f_keys_in_the_calls_pane() -> None:
    """Mobile SSH clients have no F-keys: in the Calls pane, letters do the same."""
    app, phone = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: app.phone is not None)
        await pilot.press(*"echo", "enter")
        await until(pilot, lambda: [c.state for c in phone.state().calls] == [CallState.CONNECTED])
        app.main.go("calls")
        await until(pilot, lambda: app.focused is not None and app.focused.id == "active-calls")
        await pilot.press("m")
        await until(pilot, lambda: phone.state().calls[0].muted)
        await pilot.press("o")
        await until(pilot, lambda: phone.state().calls[0].media is MediaState.LOCAL_HOLD)
        await pilot.press("question_mark")  # help lists the pane's letters
        await until(pilot, lambda: "calls.hangup" in str(app.screen.query_one("#help-text")
                                                           .render()))
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is app.main)
        await pilot.press("h")
        await until(pilot, lambda: not phone.state().calls)
