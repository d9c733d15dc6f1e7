"""A long text in parts: its receipts (the least advanced part decides) and parts kept in
the database, so a receiver restart between parts loses nothing (FakeBackend engine)."""

from __future__ import annotations

import asyncio
import time

from tuiphone.engine import cpim, imdn
from tuiphone.engine.fake import FakeBackend
from tuiphone.engine.phone import Phone
from tuiphone.engine.setup import EngineSetup
from tuiphone.model import longtext
from tuiphone.model.account import AccountConfig, Features
from tuiphone.model.events import MessageReceived, MessageStatus
from tuiphone.model.message import Delivery, Message
from tuiphone.store import Store

ON = Features(read_receipts=True)
ALICE = AccountConfig(id="alice", uri="sip:alice@127.0.0.1", features=ON)
BOB = "sip:bob@192.0.2.1"  # not an account of this engine: the test answers for bob
TEXT = "word " * 1200  # 6 kB: 3 parts


async def engine(tmp_path, account: AccountConfig = ALICE) -> Phone:
    phone = Phone(EngineSetup(accounts=(account,), echo_line=False,
                              db_path=tmp_path / "db"), FakeBackend())
    await phone.start()
    return phone


def receipt(phone: Phone, about: str, kind: str = "delivery") -> None:
    """bob's notification about ``about`` arrives at alice."""
    status = "delivered" if kind == "delivery" else "displayed"
    body = cpim.build(BOB, ALICE.uri, imdn.CONTENT_TYPE, imdn.build(about, kind, status),
                      {"Message-ID": f"n-{about}-{kind}"}, content_disposition="notification")
    phone._on_event(MessageReceived(Message(
        f"sip-{about}-{kind}", "alice", "in", BOB, body, cpim.CONTENT_TYPE, 1.0,
        Delivery.RECEIVED)))


async def state_of(phone: Phone, msg_id: str) -> Delivery:
    [kept] = [m for m in await phone.messages(BOB) if m.id == msg_id]
    return kept.delivery


async def test_a_long_text_is_delivered_only_when_every_part_is(tmp_path):
    phone = await engine(tmp_path)
    try:
        statuses: list[Delivery] = []
        phone.bus.waiter(lambda ev: isinstance(ev, MessageStatus) and bool(
            statuses.append(ev.message.delivery)))
        sent = await phone.send_message(BOB, TEXT, account_id="alice")
        assert sent.parts == 3
        await phone.bus.wait(lambda ev: isinstance(ev, MessageStatus)
                             and ev.message.delivery is Delivery.SENT, 5)
        receipt(phone, f"{sent.id}~1")
        receipt(phone, f"{sent.id}~3", "display")  # display implies delivery
        receipt(phone, f"{sent.id}~9")  # no such part: ignored
        receipt(phone, "unknown~2")  # no such message: ignored
        await asyncio.sleep(0)
        assert await state_of(phone, sent.id) is Delivery.SENT
        receipt(phone, f"{sent.id}~2")
        assert await state_of(phone, sent.id) is Delivery.DELIVERED  # the least advanced
        receipt(phone, f"{sent.id}~1", "display")
        assert await state_of(phone, sent.id) is Delivery.DELIVERED  # part 2 not displayed
        receipt(phone, f"{sent.id}~2", "display")
        assert await state_of(phone, sent.id) is Delivery.DISPLAYED
        receipt(phone, f"{sent.id}~2")  # a late delivery never moves it back
        assert await state_of(phone, sent.id) is Delivery.DISPLAYED
        assert statuses.count(Delivery.DELIVERED) == statuses.count(Delivery.DISPLAYED) == 1
    finally:
        await phone.stop()


async def test_part_receipts_survive_a_restart_of_the_sender(tmp_path):
    phone = await engine(tmp_path)
    sent = await phone.send_message(BOB, TEXT, account_id="alice")
    await phone.bus.wait(lambda ev: isinstance(ev, MessageStatus)
                         and ev.message.delivery is Delivery.SENT, 5)
    receipt(phone, f"{sent.id}~1")
    receipt(phone, f"{sent.id}~2")
    await phone.stop()
    phone = await engine(tmp_path)
    try:
        assert await state_of(phone, sent.id) is Delivery.SENT
        receipt(phone, f"{sent.id}~3")
        assert await state_of(phone, sent.id) is Delivery.DELIVERED
    finally:
        await phone.stop()


def part(n: int, total: int = 3, group: str = "g1", imdn_id: str = "") -> Message:
    pieces = longtext.split(TEXT)
    return Message(f"sip-part-{n}", "alice", "in", BOB, pieces[n - 1], "text/plain",
                   time.time(), Delivery.RECEIVED, part=f"{n}/{total}; id={group}",
                   imdn_id=imdn_id, notify=imdn.ASK if imdn_id else "")


async def test_a_receiver_restart_between_parts_loses_nothing(tmp_path):
    phone = await engine(tmp_path)
    phone._on_event(MessageReceived(part(1, imdn_id="x~1")))
    phone._on_event(MessageReceived(part(3, imdn_id="x~3")))
    assert await phone.messages() == []  # nothing shown while a part is missing
    await phone.stop()
    with Store(tmp_path / "db") as store:
        assert [(p.index, p.total) for p in store.waiting_parts()] == [(1, 3), (3, 3)]
        assert store.messages() == []  # not given up as truncated at the stop
    phone = await engine(tmp_path)
    backend = phone.backend
    try:
        got = phone.bus.waiter(lambda ev: isinstance(ev, MessageReceived))
        phone._on_event(MessageReceived(part(2, imdn_id="x~2")))
        whole = (await asyncio.wait_for(got, 5)).message
        assert (whole.body, whole.truncated) == (TEXT, False)
        assert whole.imdn_id == "x~1 x~2 x~3"
        assert [m.body for m in await phone.messages()] == [TEXT]
        # one delivery notification per part, each about its own imdn.Message-ID
        assert isinstance(backend, FakeBackend)
        notes = [imdn.parse(cpim.parse(b).body).message_id
                 for _, _, b in backend.sent_messages]
        assert sorted(notes) == ["x~1", "x~2", "x~3"]
        with Store(tmp_path / "db") as store:
            assert store.waiting_parts() == []
    finally:
        await phone.stop()


async def test_parts_whose_time_ran_out_during_a_restart_come_back_truncated(tmp_path):
    phone = await engine(tmp_path)
    phone._on_event(MessageReceived(part(1)))
    await phone.stop()
    with Store(tmp_path / "db") as store:  # the part came long ago
        store._write(lambda conn: conn.execute("UPDATE incoming_parts SET timestamp = 1.0"))
    phone = await engine(tmp_path)  # given up at once, as it starts
    try:
        [got] = await phone.messages()
        assert got.truncated
        assert "[… part 2/3 missing …]" in got.body
        with Store(tmp_path / "db") as store:
            assert store.waiting_parts() == []
        # the missing parts come after all: the whole text replaces the truncated one
        phone._on_event(MessageReceived(part(2)))
        phone._on_event(MessageReceived(part(3)))
        phone._on_event(MessageReceived(part(1)))
        await asyncio.sleep(0)
        [kept] = await phone.messages()
        assert (kept.body, kept.truncated) == (TEXT, False)
    finally:
        await phone.stop()
