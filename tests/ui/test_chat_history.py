"""The Chat pane over a real stored history (a Phone on the FakeBackend with a database
file): threads with unread counts, paging up, search and jump, copy, resend."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input, Label, OptionList

from tests.ui.helpers import BOB, ME, make_app, running, until
from tuiphone.engine.fake import FakeBackend
from tuiphone.engine.phone import Phone
from tuiphone.engine.setup import EngineSetup
from tuiphone.model.message import Delivery, Message
from tuiphone.store import Store
from tuiphone.ui.chat_model import PAGE
from tuiphone.ui.screens.chat_search import ChatSearchScreen
from tuiphone.ui.widgets.chat import ChatPane

ALICE = ("sip:alice@example.com", "<sip:alice@example.com;transport=tcp>",
         '"Alice" <sip:alice@example.com>')
HISTORY = 3 * PAGE + 7  # messages with alice: four pages
T0 = 1_600_000_000.0


def _msg(n: int, peer: str, body: str, direction: str = "in",
         delivery: Delivery = Delivery.RECEIVED) -> Message:
    return Message(f"m{n}", "local", direction, peer, body, "text/plain", T0 + n, delivery)


def _phone(tmp_path: Path) -> tuple[Phone, Path]:
    db = tmp_path / "tuiphone.db"
    with Store(db) as store:
        for n in range(HISTORY):
            body = "the kumquat recipe" if n == 5 else f"note {n}"
            direction = "out" if n % 4 == 0 else "in"
            store.add_message(_msg(n, ALICE[n % 3], body, direction,
                                   Delivery.SENT if direction == "out" else Delivery.RECEIVED))
        store.add_message(_msg(1000, "sip:bob@127.0.0.1", "call me", "in"))
        store.add_message(_msg(1001, "sip:bob@127.0.0.1", "are you there?", "out",
                               Delivery.FAILED))
        store.update_delivery("m1001", Delivery.FAILED, 480, "Temporarily Unavailable")
    setup = EngineSetup(accounts=(ME, BOB), db_path=db, echo_line=False)
    return Phone(setup, FakeBackend()), db


def _messages(conv: OptionList) -> int:
    """Messages shown (the day lines are disabled options)."""
    return sum(not option.disabled for option in conv.options)


def _unread(db_phone: Phone) -> dict[str, int]:
    return {t.key: t.unread for t in db_phone.store.threads()}


async def test_threads_cover_the_whole_history_with_unread_counts(tmp_path: Path) -> None:
    phone, _db = _phone(tmp_path)
    app, _ = make_app(phone)
    async with running(app) as pilot:
        chat = app.main.query_one(ChatPane)
        threads = chat.query_one("#threads", OptionList)
        await until(pilot, lambda: threads.option_count == 2)
        incoming = sum(1 for n in range(HISTORY) if n % 4)
        labels = [str(threads.get_option_at_index(i).prompt) for i in range(2)]
        # one thread for every spelling of alice's URI, the most recent thread first
        assert labels == ["1 bob@127.0.0.1", f"{incoming} alice@example.com"]
        await until(pilot, lambda: "chat: " in str(app.main.query_one("#status").render()))
        app.main.open_chat(ALICE[2])
        conv = chat.query_one("#conversation", OptionList)
        await until(pilot, lambda: _messages(conv) == PAGE)
        assert chat.conversation_text().count("\n") == PAGE  # and one day line
        assert f"note {HISTORY - 1}  ✓ sent" in chat.conversation_text().splitlines()[-1]
        await until(pilot, lambda: _unread(phone)["alice@example.com"] == 0)  # kept read
        assert str(threads.get_option("alice@example.com").prompt) == "alice@example.com"
        assert _unread(phone)["bob@127.0.0.1"] == 1


async def test_moving_up_loads_older_pages_until_the_first_message(tmp_path: Path) -> None:
    phone, _db = _phone(tmp_path)
    app, _ = make_app(phone)
    async with running(app) as pilot:
        chat = app.main.query_one(ChatPane)
        app.main.open_chat(ALICE[0])
        conv = chat.query_one("#conversation", OptionList)
        await until(pilot, lambda: _messages(conv) == PAGE)
        conv.focus()
        thread = chat.book.threads["alice@example.com"]
        for pages in (2, 3, 4):
            await pilot.press("home")
            await until(pilot, lambda p=pages: _messages(conv) == min(p * PAGE, HISTORY))
            # the cursor stays on the message it was on: the first of the page before
            assert chat.highlighted_message() is not None
        assert _messages(conv) == HISTORY
        assert not thread.older
        first, second = chat.conversation_text().splitlines()[:2]
        assert first.startswith("── ")  # the day all of them were written
        assert second.endswith("  me: note 0  ✓ sent")
        await pilot.press("home")
        await pilot.pause()
        assert _messages(conv) == HISTORY  # nothing older: no fetch, no duplicates


async def test_search_jumps_to_an_old_message_and_pages_down_to_the_newest(
        tmp_path: Path) -> None:
    phone, _db = _phone(tmp_path)
    app, _ = make_app(phone)
    async with running(app) as pilot:
        chat = app.main.query_one(ChatPane)
        app.main.open_chat("sip:bob@127.0.0.1")
        await until(pilot, lambda: "are you there?" in chat.conversation_text())
        await pilot.press("ctrl+f")
        await until(pilot, lambda: isinstance(app.screen, ChatSearchScreen))
        await pilot.press(*'"((', "enter")  # nothing but syntax: one clear line
        status = app.screen.query_one("#chat-search-status", Label)
        await until(pilot, lambda: "nothing to search for" in str(status.render()))
        app.screen.query_one("#chat-search-input", Input).value = ""
        await pilot.press(*"KUMQUAT", "enter")  # every thread, any case
        await until(pilot, lambda: "1 found" in str(status.render()))
        await pilot.press("enter")
        await until(pilot, lambda: chat.current == "alice@example.com"
                    and getattr(chat.highlighted_message(), "id", None) == "m5")
        thread = chat.book.threads["alice@example.com"]
        assert thread.newer
        assert "the kumquat recipe" in chat.conversation_text()
        conv = chat.query_one("#conversation", OptionList)
        assert app.focused is conv
        while thread.newer:
            count = _messages(conv)
            await pilot.press("end")
            await until(pilot, lambda c=count: _messages(conv) > c or not thread.newer)
        assert f"note {HISTORY - 1}  ✓ sent" in chat.conversation_text().splitlines()[-1]
        assert _messages(conv) == len({m.id for m in thread.messages.values()})


async def test_search_in_this_thread_only(tmp_path: Path) -> None:
    phone, _db = _phone(tmp_path)
    app, _ = make_app(phone)
    async with running(app) as pilot:
        chat = app.main.query_one(ChatPane)
        app.main.open_chat("sip:bob@127.0.0.1")
        await until(pilot, lambda: "call me" in chat.conversation_text())
        chat.query_one("#conversation").focus()
        await pilot.press("slash")
        await until(pilot, lambda: isinstance(app.screen, ChatSearchScreen))
        status = app.screen.query_one("#chat-search-status", Label)
        await pilot.press(*"note", "enter")
        await until(pilot, lambda: "found" in str(status.render()))
        assert f"{HISTORY - 1} found" in str(status.render())  # every thread: alice's notes
        await pilot.press("ctrl+t")
        await until(pilot, lambda: "nothing found" in str(status.render()))
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is app.main)


async def test_copy_puts_the_message_on_the_clipboard(tmp_path: Path) -> None:
    phone, _db = _phone(tmp_path)
    app, _ = make_app(phone)
    async with running(app) as pilot:
        chat = app.main.query_one(ChatPane)
        app.main.open_chat("sip:bob@127.0.0.1")
        await until(pilot, lambda: "call me" in chat.conversation_text())
        chat.query_one("#conversation").focus()
        await pilot.press("up", "y")
        assert app.clipboard == "call me"


async def test_resend_sends_a_failed_message_again(tmp_path: Path) -> None:
    phone, _db = _phone(tmp_path)
    app, _ = make_app(phone)
    async with running(app) as pilot:
        chat = app.main.query_one(ChatPane)
        app.main.open_chat("sip:bob@127.0.0.1")
        await until(pilot, lambda: "✕ failed (480 Temporarily Unavailable)"
                    in chat.conversation_text())
        chat.query_one("#conversation").focus()
        await pilot.press("up", "r")  # not on a failed one: refused, nothing sent
        await pilot.pause()
        assert phone.backend.sent_messages == []  # type: ignore[attr-defined]
        await pilot.press("down", "r")
        await until(pilot, lambda: chat.conversation_text().splitlines()[-1]
                    .endswith("  me: are you there?  ✓ sent"))
        assert [b for _a, _u, b in phone.backend.sent_messages] == ["are you there?"]  # type: ignore[attr-defined]
        (again,) = [m for m in phone.store.messages("sip:bob@127.0.0.1") if m.id == "m1001"]
        assert (again.delivery, again.attempts) == (Delivery.SENT, 1)


async def test_sending_from_an_old_page_goes_back_to_the_newest(tmp_path: Path) -> None:
    phone, _db = _phone(tmp_path)
    app, _ = make_app(phone)
    async with running(app) as pilot:
        chat = app.main.query_one(ChatPane)
        (hit,) = await phone.search_messages("kumquat")
        chat.jump_to(hit)
        thread = chat.book.threads["alice@example.com"]
        await until(pilot, lambda: thread.newer and "kumquat" in chat.conversation_text())
        app.main.query_one("#chat-body", Input).focus()
        await pilot.press(*"back to now", "enter")
        await until(pilot, lambda: "  me: back to now  " in
                    chat.conversation_text().splitlines()[-1])
        assert not thread.newer
        assert "kumquat" not in chat.conversation_text()  # the newest page, not the old one
        assert f"note {HISTORY - 1}" in chat.conversation_text()
