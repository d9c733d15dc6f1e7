"""messages --search and resend through the command table, with --json output."""

from __future__ import annotations

import json

import pytest

from tuiphone.commands.runner import run_line
from tuiphone.engine.feed import EventFeed
from tuiphone.engine.phone import Phone
from tuiphone.model.codec import dumps
from tuiphone.model.errors import NotFound, SipError, UsageError
from tuiphone.model.events import MessageStatus
from tuiphone.model.message import Delivery


async def test_messages_search_finds_words_across_threads(phone: Phone) -> None:
    await run_line(phone, "message echo 'lunch at noon?'")
    await run_line(phone, "message sip:bob@127.0.0.1 'no lunch for me'")
    await run_line(phone, "message echo 'dinner then'")
    found = json.loads(dumps(await run_line(phone, "messages --search lunch --json")))
    bodies = [m["body"] for m in found]
    # newest first; the echo line's replies hold the word too
    assert set(bodies) == {"lunch at noon?", "echo: lunch at noon?", "no lunch for me"}
    only_bob = await run_line(phone, "messages sip:bob@127.0.0.1 --search LUNCH")
    assert [m.body for m in only_bob] == ["no lunch for me"]
    assert await run_line(phone, "messages --search 'unbalanced \"quote'") == []


async def test_messages_search_refuses_an_empty_query_clearly(phone: Phone) -> None:
    with pytest.raises(UsageError, match="nothing to search for"):
        await run_line(phone, "messages --search '\" ('")
    with pytest.raises(UsageError, match="do not go together"):
        await run_line(phone, "messages --search x --pending")


async def test_resend_queues_a_failed_message_and_sends_it(phone: Phone) -> None:
    with pytest.raises(SipError, match="486"):
        await run_line(phone, "message sip:busy@127.0.0.1 'are you there'")
    (failed,) = await run_line(phone, "messages sip:busy@127.0.0.1")
    assert failed.delivery is Delivery.FAILED
    async with EventFeed(phone) as feed:
        again = json.loads(dumps(await run_line(phone, f"resend {failed.id} --json")))
        assert (again["id"], again["delivery"]) == (failed.id, "queued")
        states = []
        while not states or states[-1] in (Delivery.QUEUED, Delivery.SENDING):
            event = await feed.next(5.0)
            if isinstance(event, MessageStatus) and event.message.id == failed.id:
                states.append(event.message.delivery)
    assert states == [Delivery.SENDING, Delivery.FAILED]  # busy is still busy: tried again
    (after,) = await run_line(phone, "messages sip:busy@127.0.0.1")
    assert after.attempts == 1


async def test_resend_refuses_what_is_not_a_failed_outgoing_message(phone: Phone) -> None:
    sent = await run_line(phone, "message echo hi")
    with pytest.raises(UsageError, match="only a failed outgoing message"):
        await run_line(phone, f"resend {sent.id}")
    with pytest.raises(NotFound, match="no stored message"):
        await run_line(phone, "resend nosuchid")


async def test_messages_of_a_contact_cover_every_uri_of_its_vcard(tmp_path) -> None:
    """``messages URI`` right after the engine starts: it waits for the address book, and
    a contact's two SIP addresses are one thread."""
    from tests.support.vdir import write_vdir
    from tuiphone.contacts import ContactBook
    from tuiphone.contacts.sources import VdirSource
    from tuiphone.engine.fake import FakeBackend
    from tuiphone.engine.setup import EngineSetup
    from tuiphone.model.account import AccountConfig
    from tuiphone.model.message import Message
    from tuiphone.store import Store

    card = ("BEGIN:VCARD\r\nVERSION:3.0\r\nUID:carol-1\r\nFN:Carol\r\n"
            "IMPP:sip:carol@a.test\r\nIMPP:sip:carol@b.test\r\nEND:VCARD\r\n")
    folder = write_vdir(tmp_path / "vdir", {"carol.vcf": card})
    with Store(tmp_path / "db") as store:
        for n, peer in enumerate(("sip:carol@a.test", "sip:dave@x.test", "sip:carol@b.test")):
            store.add_message(Message(f"m{n}", "local", "in", peer, f"hi {n}", "text/plain",
                                      float(n), Delivery.RECEIVED))
    phone = Phone(EngineSetup(accounts=(AccountConfig(id="local", uri="sip:me@127.0.0.1"),),
                              echo_line=False, db_path=tmp_path / "db"), FakeBackend())

    def open_book() -> ContactBook:
        book = ContactBook([VdirSource("t", folder)], region="DE")
        book.load()
        return book

    phone.attach_contacts(open_book)
    await phone.start()
    try:
        found = json.loads(dumps(await run_line(phone, "messages sip:carol@b.test --json")))
        assert [m["body"] for m in found] == ["hi 0", "hi 2"]
        dave = await run_line(phone, "messages sip:dave@x.test")
        assert [m.body for m in dave] == ["hi 1"]
    finally:
        await phone.stop()
