"""QuickDial lamps from the engine, and the Contacts pane over the engine's address book."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Button, Input, Label, OptionList

from tests.ui.helpers import app_over_vdir, make_app, running, until
from tuiphone.config.appstate import load_quickdial
from tuiphone.config.schema import QuickDialEntry
from tuiphone.engine.phone import Phone
from tuiphone.model.call import CallState
from tuiphone.model.events import LampChanged, SmartContactChanged
from tuiphone.model.lamp import Lamp, LampDirection, LampState
from tuiphone.ui.app import TuiphoneApp
from tuiphone.ui.messages import LampUpdate
from tuiphone.ui.screens.incoming import IncomingCallScreen
from tuiphone.ui.screens.prompt import ChooseScreen
from tuiphone.ui.widgets.contacts import ON_NET, ContactsPane
from tuiphone.ui.widgets.quickdial import QuickDial

CARD = (
    "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:bob-1\r\nFN:Bob Builder\r\nORG:Builders Ltd\r\n"
    "TEL;TYPE=cell:+1 212 555 0134\r\nIMPP:sip:bob@127.0.0.1\r\n"
    "EMAIL:bob@example.test\r\nEND:VCARD\r\n"
)


def _label(app: TuiphoneApp, index: int) -> str:
    return str(app.main.query_one(f"#fav-{index}", Button).label)


async def test_echo_key_lamp_follows_the_engine() -> None:
    app, phone = make_app()
    async with running(app) as pilot:
        quickdial = app.main.query_one(QuickDial)
        echo = next(i for i, f in enumerate(quickdial.favourites) if f.uri == "echo")
        await until(pilot, lambda: "echo" in quickdial.engine_uris)
        assert _label(app, echo).startswith("○ I")
        call = await phone.call("echo")
        await until(pilot, lambda: any(c.state is CallState.CONNECTED
                                       for c in phone.state().calls))
        await until(pilot, lambda: quickdial.lamp_of("echo test") is LampState.BUSY)
        assert app.main.query_one(f"#fav-{echo}").has_class("-busy")
        assert _label(app, echo).startswith("● B  echo test")
        await phone.hangup(call.id)
        await until(pilot, lambda: quickdial.lamp_of("echo test") is LampState.IDLE)
        assert _label(app, echo) == "○ I  echo test"
        assert not app.main.query_one(f"#fav-{echo}").has_class("-busy")


async def test_blf_lamp_shows_caller_and_failure() -> None:
    app, phone = make_app()
    async with running(app) as pilot:
        quickdial = app.main.query_one(QuickDial)
        assert _label(app, 1).startswith("? U  Alice")
        phone.bus.publish(LampChanged(Lamp("sip:alice@example.com", LampState.RINGING,
                                           LampDirection.RECIPIENT, "sip:carol@example.com")))
        await until(pilot, lambda: quickdial.lamp_of("Alice") is LampState.RINGING)
        assert _label(app, 1) == "◎ R  Alice  ← carol@example.com"
        phone.bus.publish(LampChanged(Lamp("sip:alice@example.com", LampState.FAILED,
                                           code=403, reason="Forbidden")))
        await until(pilot, lambda: quickdial.lamp_of("Alice") is LampState.FAILED)
        button = app.main.query_one("#fav-1", Button)
        assert button.has_class("-failed")
        assert not button.has_class("-idle")
        assert _label(app, 1) == "✕ F  Alice  403 Forbidden"
        # a call of ours to a BLF-watched entry does not overwrite the engine's lamp
        app.main.refresh_state()
        assert quickdial.lamp_of("Alice") is LampState.FAILED


def test_lamp_updates_of_one_lamp_coalesce() -> None:
    old = LampUpdate(Lamp("a", LampState.RINGING))
    assert old.can_replace(LampUpdate(Lamp("a", LampState.BUSY)))
    assert not old.can_replace(LampUpdate(Lamp("b", LampState.BUSY)))


async def test_key_actions_message_copy_transfer() -> None:
    app, phone = make_app()
    copied: list[str] = []
    app.copy_to_clipboard = copied.append  # type: ignore[method-assign,assignment]
    async with running(app) as pilot:
        app.main.go("quickdial")
        await until(pilot, lambda: app.focused is not None and app.focused.id == "fav-0")
        await pilot.press("y")
        assert copied == ["sip:bob@127.0.0.1"]
        picked: list[str] = []

        async def pickup(target: str, account_id: str | None = None) -> None:
            picked.append(target)
        phone.pickup = pickup  # type: ignore[method-assign,assignment]
        await pilot.press("p")
        await until(pilot, lambda: picked == ["sip:bob@127.0.0.1"])
        app.main.go("quickdial")
        await until(pilot, lambda: app.focused is not None and app.focused.id == "fav-0")
        await pilot.press("c")  # Bob is a local account: his phone rings
        await until(pilot, lambda: isinstance(app.screen, IncomingCallScreen))
        await pilot.press("a")
        await until(pilot, lambda: [c.state for c in phone.state().calls]
                    == [CallState.CONNECTED] * 2)
        transfers: list[tuple[str, str | None]] = []
        real_transfer = phone.transfer

        async def spy(target: str, call_id: str | None = None) -> None:
            transfers.append((target, call_id))
            await real_transfer(target, call_id)
        phone.transfer = spy  # type: ignore[method-assign]
        app.main.go("quickdial")
        echo = len(app.main.favourites) - 1
        await until(pilot, lambda: app.focused is not None and app.focused.id == "fav-0")
        app.main.query_one(f"#fav-{echo}").focus()
        await until(pilot, lambda: app.main.query_one(QuickDial).current == echo)
        await pilot.press("t")
        await until(pilot, lambda: len(transfers) == 1)
        connected = {c.id for c in phone.state().calls if c.state is CallState.CONNECTED}
        assert transfers[0][0] == "echo"
        assert transfers[0][1] in connected
        joined: list[tuple[str, str]] = []

        async def join(call_id: str, target_call_id: str) -> None:
            joined.append((call_id, target_call_id))
        phone.transfer_attended = join  # type: ignore[method-assign]
        await pilot.press("a")  # attended with two calls up: joins them
        await until(pilot, lambda: len(joined) == 1)
        assert set(joined[0]) == connected
        await pilot.press("m")
        await until(pilot, lambda: app.main.current_pane() == "chat")
        assert app.main.query_one("#chat-to", Input).value.startswith("echo")


def _contacts_world(tmp_path: Path) -> tuple[TuiphoneApp, Phone]:
    app, phone, _ = app_over_vdir(
        tmp_path, {"bob.vcf": CARD}, quickdial=(QuickDialEntry("Echo", "sip:echo@127.0.0.1"),))
    return app, phone


async def test_contacts_search_detail_smart_and_quickdial(tmp_path: Path) -> None:
    app, phone = _contacts_world(tmp_path)
    async with running(app) as pilot:
        await phone.callerid.ready()
        app.main.query_one("#contact-search", Input).focus()
        await pilot.press(*"bui")
        results = app.main.query_one("#contact-results", OptionList)
        await until(pilot, lambda: results.option_count == 1)
        pane = app.main.query_one(ContactsPane)
        for field in ("Bob Builder", "Builders Ltd", "sip:bob@127.0.0.1", "bob@example.test",
                      "555", "vdir1"):
            assert field in pane.detail_text, field
        phone.bus.publish(SmartContactChanged("bob-1", True))
        await until(pilot, lambda: str(results.get_option_at_index(0).prompt)
                    .startswith(ON_NET))
        assert f"{ON_NET} on our SIP provider" in pane.detail_text
        await pilot.press("ctrl+s")
        await until(pilot, lambda: any(f.label == "Bob Builder" for f in app.main.favourites))
        await until(pilot, lambda: load_quickdial(tmp_path / "state.toml") is not None)
        saved = load_quickdial(tmp_path / "state.toml")
        assert saved == (QuickDialEntry("Echo", "sip:echo@127.0.0.1"),
                         QuickDialEntry("Bob Builder", "sip:bob@127.0.0.1"))
        await until(pilot, lambda: bool(app.main.query("#fav-2")))
        assert _label(app, 2) == "○ I  Bob Builder"


async def test_contacts_enter_dials_and_names_caller_and_chat(tmp_path: Path) -> None:
    app, phone = _contacts_world(tmp_path)
    async with running(app) as pilot:
        await phone.callerid.ready()
        app.main.query_one("#contact-search", Input).focus()
        await pilot.press(*"builder")
        results = app.main.query_one("#contact-results", OptionList)
        await until(pilot, lambda: results.option_count == 1)
        await pilot.press("enter")  # two addresses: which one?
        await until(pilot, lambda: isinstance(app.screen, ChooseScreen))
        choices = app.screen.query_one("#choices", OptionList)
        assert [str(choices.get_option_at_index(i).prompt) for i in range(2)] == [
            "1  SIP   sip:bob@127.0.0.1", "2  cell  +1 212 555 0134"]
        await pilot.press("1")
        await until(pilot, lambda: any(c.account_id == "local" and c.remote_uri ==
                                       "sip:bob@127.0.0.1" for c in phone.state().calls))
        await until(pilot, lambda: isinstance(app.screen, IncomingCallScreen))
        await pilot.press("r")
        await until(pilot, lambda: not phone.state().calls)
        await phone.call("sip:me@127.0.0.1", account_id="bob")
        await until(pilot, lambda: isinstance(app.screen, IncomingCallScreen)
                    and app.screen.call.account_id == "local")
        caller = app.screen.query_one("#incoming-caller", Label)
        await until(pilot, lambda: str(caller.content) == "Bob Builder")
        await pilot.press("r")
        await until(pilot, lambda: not phone.state().calls)
        await phone.send_message("sip:me@127.0.0.1", "hi", account_id="bob")
        threads = app.main.query_one("#threads", OptionList)
        await until(pilot, lambda: any(str(threads.get_option_at_index(i).prompt)
                                       .endswith(" Bob Builder")  # after its unread count
                                       for i in range(threads.option_count)))
