"""Chat round trip with the built-in echo line, delivery marks and unread counts."""

from __future__ import annotations

from textual.widgets import Input, OptionList

from tests.ui.helpers import make_app, until
from tuiphone.model.message import Delivery
from tuiphone.ui.widgets.chat import ChatPane


async def test_chat_round_trip_with_echo() -> None:
    app, phone = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await until(pilot, lambda: app.phone is not None)
        chat = app.main.query_one(ChatPane)
        app.main.query_one("#chat-to", Input).focus()
        await pilot.press(*"echo", "enter")
        assert app.focused is not None
        assert app.focused.id == "chat-body"
        await pilot.press(*"hello", "enter")
        await until(pilot, lambda: chat.current == "echo@127.0.0.1"
                    and len(chat.book.threads["echo@127.0.0.1"].messages) == 2)
        thread = chat.book.threads["echo@127.0.0.1"]
        bodies = sorted(m.body for m in thread.messages.values())
        assert bodies == ["echo: hello", "hello"]
        sent = next(m for m in thread.messages.values() if m.direction == "out")
        await until(pilot, lambda: thread.messages[sent.id].delivery is Delivery.SENT)
        text = chat.conversation_text()
        await until(pilot, lambda: "✓ sent" in chat.conversation_text())
        assert "echo: hello" in text
        assert "echo" not in chat.book.threads  # the typed alias left no empty thread


async def test_incoming_message_counts_unread_until_opened() -> None:
    app, phone = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await until(pilot, lambda: app.phone is not None)
        await phone.send_message("sip:me@127.0.0.1", "ping", account_id="bob")
        chat = app.main.query_one(ChatPane)
        await until(pilot, lambda: chat.book.total_unread() == 1)
        threads = chat.query_one("#threads", OptionList)
        assert str(threads.get_option("bob@127.0.0.1").prompt) == "1 bob@127.0.0.1"
        await until(pilot, lambda: "chat: 1 unread" in str(app.main.query_one("#status").render()))
        chat.open_thread("sip:bob@127.0.0.1")
        assert chat.book.total_unread() == 0


async def test_failed_delivery_is_marked() -> None:
    app, phone = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await until(pilot, lambda: app.phone is not None)
        chat = app.main.query_one(ChatPane)
        chat.open_thread("sip:busy@example.com")
        app.main.query_one("#chat-body", Input).focus()
        await pilot.press(*"hi", "enter")
        await until(pilot, lambda: "✕ failed (486 Busy Here)" in chat.conversation_text())


async def test_chat_key_lands_in_the_to_field_before_any_thread() -> None:
    app, _phone = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: app.phone is not None)
        await pilot.press("ctrl+y")
        await until(pilot, lambda: getattr(app.focused, "id", None) == "chat-to")


async def test_a_queued_message_is_marked_until_its_account_registers() -> None:
    from tuiphone.engine.fake import FakeBackend
    from tuiphone.engine.phone import Phone
    from tuiphone.engine.setup import EngineSetup
    from tuiphone.model.account import AccountConfig

    work = AccountConfig(id="work", uri="sip:me@example.com", registrar="sip:example.com")
    backend = FakeBackend(register_failure={"work": (503, "Service Unavailable")})
    app, phone = make_app(Phone(EngineSetup(accounts=(work,), echo_line=False), backend))
    async with app.run_test(size=(160, 48)) as pilot:
        await until(pilot, lambda: app.phone is not None)
        chat = app.main.query_one(ChatPane)
        chat.open_thread("sip:bob@example.com")
        app.main.query_one("#chat-body", Input).focus()
        await pilot.press(*"later", "enter")
        await until(pilot, lambda: "later  ◷ queued" in chat.conversation_text())
        backend.register_failure.clear()
        await phone.register("work")
        await until(pilot, lambda: "later  ✓ sent" in chat.conversation_text())
