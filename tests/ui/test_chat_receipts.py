"""The chat pane with receipts and typing on (Textual Pilot over the FakeBackend, both
accounts in one engine): ✓✓ marks from real receipts, "is typing…", the parts hint."""

from __future__ import annotations

import dataclasses

from textual.widgets import Input, Static

from tests.ui.helpers import BOB, ME, make_app, until
from tuiphone.engine.fake import FakeBackend
from tuiphone.engine.phone import Phone
from tuiphone.engine.setup import EngineSetup
from tuiphone.model.account import Features
from tuiphone.ui.widgets.chat import ChatPane

ON = Features(read_receipts=True, typing=True)


def phone_with_switches() -> tuple[Phone, FakeBackend]:
    backend = FakeBackend()
    accounts = (dataclasses.replace(ME, features=ON), dataclasses.replace(BOB, features=ON))
    return Phone(EngineSetup(accounts=accounts), backend), backend


async def test_marks_go_delivered_then_displayed_when_the_peer_reads() -> None:
    phone, _ = phone_with_switches()
    app, _ = make_app(phone)
    async with app.run_test(size=(160, 48)) as pilot:
        await until(pilot, lambda: app.phone is not None)
        chat = app.main.query_one(ChatPane)
        chat.open_thread("sip:bob@127.0.0.1")
        app.main.query_one("#chat-body", Input).focus()
        await pilot.press(*"hi", "enter")
        await until(pilot, lambda: "✓✓ delivered" in chat.conversation_text())
        assert "displayed" not in chat.conversation_text()
        # bob's side of the same engine: his thread with us is read when opened
        chat.open_thread("sip:me@127.0.0.1")
        chat.open_thread("sip:bob@127.0.0.1")
        await until(pilot, lambda: "✓✓ displayed" in chat.conversation_text())


async def test_peer_typing_is_shown_and_cleared_by_its_message() -> None:
    phone, _ = phone_with_switches()
    app, _ = make_app(phone)
    async with app.run_test(size=(160, 48)) as pilot:
        await until(pilot, lambda: app.phone is not None)
        chat = app.main.query_one(ChatPane)
        chat.open_thread("sip:bob@127.0.0.1")
        line = chat.query_one("#chat-typing", Static)
        assert str(line.content) == ""
        await phone.typing("sip:me@127.0.0.1", account_id="bob")
        await until(pilot, lambda: str(line.content) == "bob is typing…")
        assert "bob@127.0.0.1" in chat.book.threads  # a thread, but no message in it
        assert not chat.book.threads["bob@127.0.0.1"].messages
        await phone.send_message("sip:me@127.0.0.1", "done typing", account_id="bob")
        await until(pilot, lambda: str(line.content) == "")
        assert "done typing" in chat.conversation_text()


async def test_our_typing_goes_out_and_a_long_text_says_its_parts() -> None:
    phone, backend = phone_with_switches()
    app, _ = make_app(phone)
    async with app.run_test(size=(160, 48)) as pilot:
        await until(pilot, lambda: app.phone is not None)
        chat = app.main.query_one(ChatPane)
        chat.open_thread("sip:bob@127.0.0.1")
        body = app.main.query_one("#chat-body", Input)
        body.focus()
        await pilot.press(*"he")
        await until(pilot, lambda: ("local", "sip:bob@127.0.0.1", True) in backend.sent_typing)
        hint = chat.query_one("#chat-hint", Static)
        assert str(hint.content) == ""
        body.value = "word " * 1200  # 6000 bytes
        await until(pilot, lambda: "will be sent in 3 parts" in str(hint.content))
        await pilot.press("enter")
        await until(pilot, lambda: any(
            m.body == "word " * 1200 and m.direction == "in"
            for t in chat.book.threads.values() for m in t.messages.values()))
        from tuiphone.engine import cpim  # receipts are on: each part goes in CPIM

        parts = [cpim.parse(b).body for a, _, b in backend.sent_messages
                 if a == "local" and b.startswith("From:")]
        assert [p[:6] for p in parts] == ["(1/3) ", "(2/3) ", "(3/3) "]


async def test_a_truncated_incoming_message_is_marked_not_shown_whole() -> None:
    from tuiphone.model.events import MessageReceived
    from tuiphone.model.message import Delivery, Message

    app, phone = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await until(pilot, lambda: app.phone is not None)
        chat = app.main.query_one(ChatPane)
        chat.open_thread("sip:bob@127.0.0.1")
        phone._on_event(MessageReceived(Message(
            "sip-cut", "local", "in", "sip:bob@127.0.0.1", "the first half", "text/plain",
            1.0, Delivery.RECEIVED, truncated=True)))
        await until(pilot, lambda: "the first half" in chat.conversation_text())
        assert "✂ truncated: not all of it arrived" in chat.conversation_text()


async def test_opening_a_thread_reads_it_once_and_tells_the_peer() -> None:
    """Opening a thread with unread messages asks the engine's one mark_read once (the
    unread count in the database and the display receipts together); drawing the pane
    again asks nothing more; a message arriving while the thread is read is read too."""
    from tuiphone.model.message import Delivery

    phone, _ = phone_with_switches()
    asked: list[str] = []
    real = phone.mark_read

    async def counting(peer: str) -> int:
        asked.append(peer)
        return await real(peer)

    phone.mark_read = counting  # type: ignore[method-assign]
    app, _ = make_app(phone)

    def bobs(delivery: Delivery, n: int) -> bool:  # bob's messages to us, as he sees them
        thread = chat.book.threads.get("me@127.0.0.1")
        return thread is not None and [m.delivery for m in thread.messages.values()
                                       if m.direction == "out"] == [delivery] * n

    async with app.run_test(size=(160, 48)) as pilot:
        await until(pilot, lambda: app.phone is not None)
        chat = app.main.query_one(ChatPane)
        chat.open_thread("sip:carol@127.0.0.1")  # another thread is shown
        for text in ("one", "two"):
            await phone.send_message("sip:me@127.0.0.1", text, account_id="bob")
        await until(pilot, lambda: chat.book.total_unread() == 2 and bobs(Delivery.DELIVERED, 2))
        assert asked == []
        chat.open_thread("sip:bob@127.0.0.1")
        await until(pilot, lambda: bobs(Delivery.DISPLAYED, 2))
        assert asked == ["sip:bob@127.0.0.1"]
        chat.refresh_threads()
        chat.mark_visible(True)
        await pilot.pause()
        assert asked == ["sip:bob@127.0.0.1"]  # drawn again: not read again
        await phone.send_message("sip:me@127.0.0.1", "three", account_id="bob")
        await until(pilot, lambda: bobs(Delivery.DISPLAYED, 3))
        assert asked == ["sip:bob@127.0.0.1"] * 2
        assert chat.book.total_unread() == 0
