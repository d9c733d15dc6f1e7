"""One contract, two PhoneApi implementations: the in-process ``Phone`` (over the
FakeBackend) and ``RemotePhone`` talking to that Phone through a real control socket.

Every test runs against both and sees the same typed values and the same exceptions,
so a front end cannot tell which one it drives.
"""

from __future__ import annotations

import asyncio
import base64
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest

from tuiphone.contacts import ContactBook, VdirSource
from tuiphone.control import ControlServer, RemotePhone, socket_path
from tuiphone.engine.api import PhoneApi, PhoneState
from tuiphone.engine.fake import FakeBackend
from tuiphone.engine.feed import EventFeed
from tuiphone.engine.phone import Phone
from tuiphone.engine.setup import EngineSetup
from tuiphone.model.account import AccountConfig, AccountState, RegState
from tuiphone.model.backend import PingResult
from tuiphone.model.call import (
    CallInfo,
    CallState,
    CallStats,
    Direction,
    HistoryEntry,
    MediaState,
)
from tuiphone.model.contact import (
    AddressBook,
    BookKind,
    ContactDetails,
    ContactFields,
    ContactPhoto,
    ContactSummary,
    PhoneNumber,
)
from tuiphone.model.errors import InvalidUri, LimitExceeded, NotFound, SipError, UsageError
from tuiphone.model.events import (
    CallChanged,
    ContactsChanged,
    DtmfReceived,
    Event,
    IncomingCall,
    MessageReceived,
    MessageStatus,
)
from tuiphone.model.message import ChatThread, Delivery, Message

ALICE = AccountConfig(id="alice", uri="sip:alice@127.0.0.1")
BOB = AccountConfig(id="bob", uri="sip:bob@127.0.0.1")
WORK = AccountConfig(id="work", uri="sip:me@example.test", registrar="sip:example.test")
PNG = b"\x89PNG\r\n\x1a\nnot-really"
BOB_CARD = (
    "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:bob-1\r\nFN:Bob Builder\r\nORG:Fixit\r\n"
    "TEL;TYPE=work:+49 30 7654321\r\nIMPP:sip:bob@127.0.0.1\r\n"
    "EMAIL;TYPE=home:bob@example.test\r\n"
    f"PHOTO;ENCODING=b;TYPE=PNG:{base64.b64encode(PNG).decode()}\r\nEND:VCARD\r\n"
)
MESSAGE_EVENTS = (MessageReceived, MessageStatus)
BOB_SUMMARY = ContactSummary(
    id="bob-1", name="Bob Builder", org="Fixit", numbers=("+49 30 7654321",),
    sips=("sip:bob@127.0.0.1",), emails=("bob@example.test",), book="vdir1", has_photo=True,
)


@pytest.fixture
def book(tmp_path: Path) -> Path:
    folder = tmp_path / "book"
    folder.mkdir()
    (folder / "bob.vcf").write_text(BOB_CARD, newline="")
    return folder


async def _phone(book: Path, tmp_path: Path) -> Phone:
    setup = EngineSetup(accounts=(ALICE, BOB, WORK), db_path=tmp_path / "t.db",
                        register_backoff_s=(60.0,))
    phone = Phone(setup, FakeBackend(register_failure={"work": (403, "Forbidden")}))

    def open_book() -> ContactBook:
        loaded = ContactBook([VdirSource("vdir1", book)], region="DE")
        loaded.load()
        return loaded

    phone.attach_contacts(open_book, watch=[book])
    loaded = phone.bus.waiter(lambda ev: isinstance(ev, ContactsChanged))
    await phone.start()
    await asyncio.wait_for(loaded, 10)
    return phone


@pytest.fixture(params=["phone", "remote"])
async def api(request: pytest.FixtureRequest, book: Path, tmp_path: Path
              ) -> AsyncIterator[PhoneApi]:
    phone = await _phone(book, tmp_path)
    try:
        if request.param == "phone":
            yield phone
            return
        server = ControlServer(phone, socket_path())
        await server.start()
        remote = await RemotePhone.connect()
        try:
            yield remote
        finally:
            await remote.close()
            await server.close()
    finally:
        await phone.stop()


async def next_event(feed: EventFeed, match: Callable[[Event], bool]) -> Event:
    while True:
        event = await feed.next(5.0)
        assert event is not None, "the event stream ended"
        if match(event):
            return event


def call_in(state: CallState, account: str | None = None) -> Callable[[Event], bool]:
    return lambda ev: (isinstance(ev, CallChanged | IncomingCall) and ev.call.state is state
                       and account in (None, ev.call.account_id))


async def until_state(api: PhoneApi, match: Callable[[PhoneState], bool]) -> PhoneState:
    """RemotePhone mirrors the state from its own subscription, a moment behind."""
    for _ in range(500):
        if match(state := api.state()):
            return state
        await asyncio.sleep(0.01)  # polling interval, not synchronisation
    raise AssertionError(f"state never matched: {api.state()}")


# state and accounts

async def test_state_is_a_snapshot_of_accounts_and_calls(api: PhoneApi) -> None:
    state = api.state()
    assert isinstance(state, PhoneState)
    assert [a.id for a in state.accounts] == ["alice", "bob", "work"]
    assert state.default_account == "alice"
    assert state.calls == ()
    assert state.echo_uri is not None


async def test_register_answers_with_the_account_state_or_the_sip_error(api: PhoneApi) -> None:
    with pytest.raises(SipError) as refused:
        await api.register("work", timeout_s=5)
    assert (refused.value.code, refused.value.reason) == (403, "Forbidden")
    with pytest.raises(NotFound):
        await api.register("nobody")
    with pytest.raises(UsageError, match="no registrar"):
        await api.unregister("alice")
    failed = await api.unregister("work")  # nothing to remove: its state as it is
    assert isinstance(failed, AccountState)
    assert (failed.reg_state, failed.code) == (RegState.FAILED, 403)


# calls

async def test_call_answer_hangup_with_caller_id(api: PhoneApi) -> None:
    async with EventFeed(api) as feed:
        placed = await api.call("sip:alice@127.0.0.1", account_id="bob")
        assert isinstance(placed, CallInfo)
        assert (placed.direction, placed.state) == (Direction.OUTGOING, CallState.CALLING)
        ringing = await next_event(feed, lambda ev: isinstance(ev, IncomingCall))
        assert isinstance(ringing, IncomingCall)
        assert ringing.call.remote_name == "Bob Builder"  # from the address book
        answered = await api.answer(ringing.call.id)
        assert answered.id == ringing.call.id
        await next_event(feed, call_in(CallState.CONNECTED, "bob"))
        state = await until_state(api, lambda s: len(s.calls) == 2 and all(
            c.state is CallState.CONNECTED for c in s.calls))
        assert {c.id for c in state.calls} == {placed.id, ringing.call.id}
        stats = await api.call_stats(placed.id)
        assert isinstance(stats, CallStats)
        await api.hangup(placed.id)
        await next_event(feed, call_in(CallState.ENDED, "alice"))
    await until_state(api, lambda s: not s.calls)
    history = await api.history()
    assert all(isinstance(h, HistoryEntry) for h in history)
    assert {h.call_id for h in history} >= {placed.id, ringing.call.id}


async def test_mid_call_controls(api: PhoneApi) -> None:
    async with EventFeed(api) as feed:
        placed = await api.call("sip:alice@127.0.0.1", account_id="bob")
        ringing = await next_event(feed, lambda ev: isinstance(ev, IncomingCall))
        await api.answer(ringing.call.id)
        await next_event(feed, call_in(CallState.CONNECTED, "bob"))
        await api.hold(placed.id)
        held = await next_event(feed, lambda ev: isinstance(ev, CallChanged)
                                and ev.call.media is MediaState.REMOTE_HOLD)
        assert held.call.id == ringing.call.id  # type: ignore[attr-defined]
        await api.resume(placed.id)
        await api.mute(placed.id)
        muted = await next_event(feed, lambda ev: isinstance(ev, CallChanged) and ev.call.muted)
        assert muted.call.id == placed.id  # type: ignore[attr-defined]
        await api.dtmf("5", placed.id)
        digit = await next_event(feed, lambda ev: isinstance(ev, DtmfReceived))
        assert digit == DtmfReceived(ringing.call.id, "5")
        assert await api.hangup_all() == 2


async def test_reject_busy_and_missing_calls(api: PhoneApi) -> None:
    async with EventFeed(api) as feed:
        await api.call("sip:alice@127.0.0.1", account_id="bob")
        ringing = await next_event(feed, lambda ev: isinstance(ev, IncomingCall))
        await api.reject(ringing.call.id, 486)
        ended = await next_event(feed, call_in(CallState.ENDED, "bob"))
        assert isinstance(ended, CallChanged)
        assert ended.call.code == 486
    with pytest.raises(NotFound):
        await api.hangup("c404")
    with pytest.raises(InvalidUri):
        await api.call("sip:", account_id="bob")
    assert await api.hangup_all() == 0


# messages

async def test_messages_are_sent_delivered_and_kept(api: PhoneApi) -> None:
    async with EventFeed(api) as feed:
        sent = await api.send_message("sip:bob@127.0.0.1", "hi Bob", account_id="alice")
        assert isinstance(sent, Message)
        assert sent.delivery is Delivery.QUEUED
        seen: dict[type, Event] = {}
        states: list[Delivery] = []
        while len(seen) < 2:  # in either order
            event = await next_event(feed, lambda ev: isinstance(ev, MESSAGE_EVENTS))
            if isinstance(event, MessageStatus):
                states.append(event.message.delivery)
            if not isinstance(event, MessageStatus) or not event.message.delivery.pending:
                seen[type(event)] = event
    assert states == [Delivery.SENDING, Delivery.SENT]
    got, status = seen[MessageReceived], seen[MessageStatus]
    assert isinstance(got, MessageReceived)
    assert (got.message.account_id, got.message.body) == ("bob", "hi Bob")
    assert isinstance(status, MessageStatus)
    assert (status.message.id, status.message.delivery) == (sent.id, Delivery.SENT)
    kept = await api.messages("sip:bob@127.0.0.1")
    assert [m.body for m in kept if m.direction == "out"] == ["hi Bob"]
    assert await api.messages("sip:bob@127.0.0.1", pending=True) == []


async def _sent(api: PhoneApi, uri: str, body: str) -> Message:
    async with EventFeed(api) as feed:
        msg = await api.send_message(uri, body, account_id="alice")
        event = await next_event(feed, lambda ev: isinstance(ev, MessageStatus)
                                 and ev.message.id == msg.id
                                 and not ev.message.delivery.pending)
    assert isinstance(event, MessageStatus)
    return event.message


async def test_threads_pages_search_unread_and_resend(api: PhoneApi) -> None:
    sent = [await _sent(api, "sip:bob@127.0.0.1", f"pear number {n}") for n in range(5)]
    threads = await api.chat_threads()
    assert all(isinstance(t, ChatThread) for t in threads)
    by_key = {t.key: t for t in threads}
    assert by_key["bob@127.0.0.1"].last_message.id == sent[-1].id
    assert by_key["alice@127.0.0.1"].unread == 5  # what bob's account received
    assert await api.mark_read("<sip:alice@127.0.0.1;transport=udp>") == 5
    assert {t.key: t.unread for t in await api.chat_threads()}["alice@127.0.0.1"] == 0
    last = await api.messages("sip:bob@127.0.0.1", limit=2)
    assert [m.id for m in last] == [m.id for m in sent[3:]]
    older = await api.messages("sip:bob@127.0.0.1", limit=2, before=last[0].id)
    assert [m.id for m in older] == [m.id for m in sent[1:3]]
    middle = await api.messages(limit=3, around=sent[2].id)
    assert [m.id for m in middle] == [m.id for m in sent[1:4]]
    found = await api.search_messages("PEAR 3", "sip:bob@127.0.0.1")
    assert [m.id for m in found] == [sent[3].id]
    with pytest.raises(UsageError, match="nothing to search for"):
        await api.search_messages("((")
    failed = await _sent(api, "sip:busy@127.0.0.1", "anyone?")
    assert failed.delivery is Delivery.FAILED
    again = await api.resend_message(failed.id)
    assert (again.id, again.delivery) == (failed.id, Delivery.QUEUED)
    with pytest.raises(UsageError, match="only a failed outgoing message"):
        await api.resend_message(sent[0].id)
    with pytest.raises(NotFound):
        await api.resend_message("nosuchid")


async def test_a_body_that_cannot_fit_is_refused_and_not_kept(api: PhoneApi) -> None:
    with pytest.raises(LimitExceeded, match="nothing was sent or stored"):
        await api.send_message("sip:bob@127.0.0.1", "x" * 3001, account_id="alice")
    assert await api.messages("sip:bob@127.0.0.1") == []


async def test_diagnostics_are_typed(api: PhoneApi) -> None:
    pong = await api.ping("sip:alice@example.test")
    assert isinstance(pong, PingResult)
    assert pong.code == 200
    assert isinstance(await api.trace(), list)
    assert isinstance(await api.lamps(), list)
    assert await api.smart_contacts() == {}  # features.smart_contacts is off


# contacts

async def test_search_and_lookup_give_summaries(api: PhoneApi) -> None:
    assert await api.search_contacts("builder") == [BOB_SUMMARY]
    assert await api.search_contacts("") == [BOB_SUMMARY]
    assert await api.search_contacts("nobody") == []
    assert await api.lookup_contact("030 7654321") == BOB_SUMMARY
    assert await api.lookup_contact('"Bob" <sip:bob@127.0.0.1>') == BOB_SUMMARY
    assert await api.lookup_contact("sip:carol@127.0.0.1") is None


async def test_details_photo_and_books(api: PhoneApi, book: Path) -> None:
    full = await api.contact("bob-1")
    assert isinstance(full, ContactDetails)
    assert full.name == "Bob Builder"
    assert full.phones == (PhoneNumber("+49 30 7654321", "work"),)
    assert full.email_kinds == ("home",)
    assert full.writable is True
    assert full.file == str(book / "bob.vcf")
    assert await api.contact_photo("bob-1") == ContactPhoto.image("image/png", PNG)
    assert await api.contact_books() == [
        AddressBook("vdir1", BookKind.VDIR, str(book), 1, "", writable=True)]
    with pytest.raises(NotFound):
        await api.contact("nobody")
    with pytest.raises(NotFound):
        await api.contact_photo("nobody")


async def test_edit_create_delete_and_the_change_events(api: PhoneApi, book: Path) -> None:
    async with EventFeed(api) as feed:
        saved = await api.save_contact(
            "bob-1", ContactFields(org="Fixit Ltd", phones=("+49 30 7654321", "030 1")))
        assert saved.org == "Fixit Ltd"
        assert saved.phones == (PhoneNumber("+49 30 7654321", "work"), PhoneNumber("030 1"))
        changed = await next_event(feed, lambda ev: isinstance(ev, ContactsChanged))
        assert isinstance(changed, ContactsChanged)
        assert changed.count == 1
        assert b"TEL;TYPE=work:+49 30 7654321\r\n" in (book / "bob.vcf").read_bytes()
        made = await api.create_contact(ContactFields(fn="Carol Singer", sips=("carol@h",)))
        assert made.name == "Carol Singer"
        assert made.sips == ("sip:carol@h",)
        changed = await next_event(feed, lambda ev: isinstance(ev, ContactsChanged))
        assert isinstance(changed, ContactsChanged)
        assert changed.count == 2
        found = await api.lookup_contact("sip:carol@h")
        assert found is not None
        assert found.id == made.id
        await api.delete_contact(made.id)
        assert await api.search_contacts("singer") == []
    with pytest.raises(UsageError, match="needs a name"):
        await api.create_contact(ContactFields(org="Nameless"))
    with pytest.raises(UsageError, match="needs a name"):
        await api.save_contact("bob-1", ContactFields(fn=" "))
    with pytest.raises(NotFound):
        await api.save_contact("nobody", ContactFields(note="x"))
    assert await api.reload_contacts() == 1
