"""A contact with several URIs (two SIP addresses and a phone number in one vCard of a
real vdir) has one chat thread: stored history and new messages from any of its URIs
go there, and a reply goes to the URI last used."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input

from tests.ui.helpers import app_over_vdir, running, until
from tuiphone.engine.fake import FakeBackend
from tuiphone.model.events import MessageReceived
from tuiphone.model.message import Delivery, Message
from tuiphone.store import Store
from tuiphone.ui.widgets.chat import ChatPane

CAROL = ("BEGIN:VCARD\r\nVERSION:3.0\r\nUID:carol-1\r\nFN:Carol Jones\r\n"
         "IMPP:sip:carol@a.example.com\r\nIMPP:sip:carol@b.example.com\r\n"
         "TEL;TYPE=cell:+49 30 12345678\r\nEND:VCARD\r\n")


def _in(n: int, peer: str, body: str) -> Message:
    return Message(f"m{n}", "local", "in", peer, body, "text/plain", 1_700_000_000.0 + n,
                   Delivery.RECEIVED)


async def test_one_thread_for_a_contacts_uris_and_replies_go_to_the_last_used(
        tmp_path: Path) -> None:
    app, phone, _ = app_over_vdir(tmp_path, {"carol.vcf": CAROL})
    with Store(tmp_path / "tuiphone.db") as store:  # history from before this start
        store.add_message(_in(1, "sip:carol@a.example.com", "from a"))
        store.add_message(_in(2, "sip:dave@example.com", "from dave"))
        store.add_message(_in(3, "sip:+493012345678@c.example.com", "from the number"))
    async with running(app) as pilot:
        await phone.callerid.ready()
        chat = app.main.query_one(ChatPane)
        book = chat.book
        # once the address book is loaded the thread list merges Carol's URIs
        await until(pilot, lambda: len(book.threads) == 2)
        carol_key = book.key_of("sip:carol@a.example.com")
        assert book.key_of("sip:+493012345678@c.example.com") == carol_key
        assert book.threads[carol_key].unread == 2
        assert book.threads[carol_key].uri == "sip:+493012345678@c.example.com"
        assert book.key_of("sip:dave@example.com") != carol_key
        # a message from her other SIP address, never seen before, joins the thread
        phone._on_event(MessageReceived(_in(4, "sip:carol@b.example.com", "from b")))
        await until(pilot, lambda: book.key_of("sip:carol@b.example.com") == carol_key)
        await until(pilot, lambda: len(book.threads) == 2)
        assert book.threads[carol_key].uri == "sip:carol@b.example.com"
        await until(pilot, lambda: app.main.thread_names.get(carol_key) == "Carol Jones")
        # opened, it shows all her messages, and marks them all read
        chat.open_thread("sip:carol@a.example.com")
        text = lambda: chat.conversation_text()  # noqa: E731
        await until(pilot, lambda: all(b in text() for b in ("from a", "from the number",
                                                              "from b")))
        assert "from dave" not in text()
        await until(pilot, lambda: book.threads[carol_key].unread == 0)
        assert {t.key: t.unread for t in await phone.chat_threads()}[carol_key] == 0
        # a reply goes to the URI she last wrote from
        app.main.query_one("#chat-body", Input).focus()
        await pilot.press(*"hello carol", "enter")
        backend = phone.backend
        assert isinstance(backend, FakeBackend)
        await until(pilot, lambda: any(b == "hello carol" for _, _, b in backend.sent_messages))
        [(_, uri, _)] = [m for m in backend.sent_messages if m[2] == "hello carol"]
        assert uri == "sip:carol@b.example.com"
        await until(pilot, lambda: "hello carol" in text())
        assert len(book.threads) == 2
