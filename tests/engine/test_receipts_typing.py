"""IMDN receipts, is-composing and long text between two accounts of one engine
(FakeBackend): what goes on the wire, and what each side sees."""

from __future__ import annotations

import asyncio
import dataclasses

import pytest

from tuiphone.engine import cpim, imdn
from tuiphone.engine.fake import FakeBackend
from tuiphone.engine.phone import Phone
from tuiphone.engine.setup import EngineSetup
from tuiphone.model import longtext
from tuiphone.model.account import AccountConfig, Features
from tuiphone.model.events import MessageReceived, MessageStatus, Notice, TypingChanged
from tuiphone.model.message import Delivery, Message

ON = Features(read_receipts=True, typing=True)
ALICE = AccountConfig(id="alice", uri="sip:alice@127.0.0.1", features=ON)
BOB = AccountConfig(id="bob", uri="sip:bob@127.0.0.1", features=ON)


async def engine(tmp_path, *accounts: AccountConfig) -> tuple[Phone, FakeBackend]:
    backend = FakeBackend()
    phone = Phone(EngineSetup(accounts=accounts, echo_line=False, db_path=tmp_path / "db"),
                  backend)
    await phone.start()
    return phone, backend


def reached(msg_id: str, state: Delivery):
    return lambda ev: (isinstance(ev, MessageStatus) and ev.message.id == msg_id
                       and ev.message.delivery is state)


def sent_from(account_id: str):
    return lambda ev: (isinstance(ev, MessageStatus) and ev.message.account_id == account_id
                       and ev.message.delivery is Delivery.SENT)


async def test_delivered_then_displayed_only_from_receipts(tmp_path):
    phone, backend = await engine(tmp_path, ALICE, BOB)
    try:
        got = phone.bus.waiter(lambda ev: isinstance(ev, MessageReceived))
        sent = await phone.send_message("sip:bob@127.0.0.1", "hi ☃", account_id="alice")
        delivered = phone.bus.waiter(reached(sent.id, Delivery.DELIVERED))
        incoming = (await asyncio.wait_for(got, 5)).message
        assert (incoming.account_id, incoming.body, incoming.content_type) == (
            "bob", "hi ☃", "text/plain")
        assert incoming.imdn_id == sent.id
        assert incoming.id.startswith("imdn-")
        wire = backend.sent_messages[0][2]
        assert cpim.parse(wire).get("imdn.disposition-notification") == imdn.ASK
        assert (await asyncio.wait_for(delivered, 5)).message.body == "hi ☃"
        # not displayed until bob's thread is read
        assert [m.delivery for m in await phone.messages("sip:bob@127.0.0.1")] == [
            Delivery.DELIVERED]
        displayed = phone.bus.waiter(reached(sent.id, Delivery.DISPLAYED))
        told = len(backend.sent_messages)
        assert await phone.mark_read(incoming.peer) == 1  # the one unread message
        assert (await asyncio.wait_for(displayed, 5)).message.delivery is Delivery.DISPLAYED
        assert len(backend.sent_messages) == told + 1  # its display notification
        assert await phone.mark_read(incoming.peer) == 0  # read once, told once
        # the notifications themselves are neither stored nor shown as chat
        kept = await phone.messages()
        assert [(m.direction, m.body) for m in kept] == [("out", "hi ☃"), ("in", "hi ☃")]
    finally:
        await phone.stop()


async def test_switch_off_sends_plain_text_and_no_receipt(tmp_path):
    off_alice = dataclasses.replace(ALICE, features=Features())
    off_bob = dataclasses.replace(BOB, features=Features())
    phone, backend = await engine(tmp_path, off_alice, off_bob)
    try:
        got = phone.bus.waiter(lambda ev: isinstance(ev, MessageReceived))
        done = phone.bus.waiter(sent_from("alice"))
        await phone.send_message("sip:bob@127.0.0.1", "plain", account_id="alice")
        await asyncio.wait_for(got, 5)
        await asyncio.wait_for(done, 5)
        assert backend.sent_messages == [("alice", "sip:bob@127.0.0.1", "plain")]
        assert await phone.mark_read("sip:alice@127.0.0.1") == 1  # read, but nobody told
        await asyncio.sleep(0)
        assert len(backend.sent_messages) == 1  # no notification went back
    finally:
        await phone.stop()


async def test_a_peer_refusing_cpim_gets_the_same_message_as_plain_text(tmp_path):
    phone, backend = await engine(tmp_path, ALICE)
    try:
        backend.message_failures.append((415, "Unsupported Media Type"))
        sent = await phone.send_message("sip:baresip@example.test", "to baresip",
                                        account_id="alice")
        await phone.bus.wait(reached(sent.id, Delivery.SENT), 5)
        bodies = [b for _, _, b in backend.sent_messages]
        assert cpim.parse(bodies[0]).body == "to baresip"
        assert bodies[1:] == ["to baresip"]
        again = await phone.send_message("sip:baresip@example.test", "second",
                                         account_id="alice")
        await phone.bus.wait(reached(again.id, Delivery.SENT), 5)
        assert backend.sent_messages[-1][2] == "second"  # remembered: plain at once
    finally:
        await phone.stop()


async def test_a_receipt_from_another_peer_or_for_unknown_ids_changes_nothing(tmp_path):
    phone, _ = await engine(tmp_path, ALICE)
    try:
        done = phone.bus.waiter(sent_from("alice"))
        sent = await phone.send_message("sip:bob@127.0.0.1", "x", account_id="alice")
        await asyncio.wait_for(done, 5)
        statuses: list[MessageStatus] = []
        phone.bus.waiter(lambda ev: isinstance(ev, MessageStatus) and bool(
            statuses.append(ev)))

        def receipt(about: str, sender: str, i: int) -> MessageReceived:
            body = cpim.build(sender, "sip:alice@127.0.0.1", imdn.CONTENT_TYPE,
                              imdn.build(about, "delivery", "delivered"), {"Message-ID": "r"})
            return MessageReceived(Message(f"r{i}", "alice", "in", sender, body,
                                           "message/cpim", 1.0, Delivery.RECEIVED))

        phone._on_event(receipt(sent.id, "sip:mallory@127.0.0.1", 1))
        phone._on_event(receipt("nope", "sip:bob@127.0.0.1", 2))
        notices = phone.bus.waiter(lambda ev: isinstance(ev, Notice))
        phone._on_event(MessageReceived(Message(
            "r3", "alice", "in", "sip:bob@127.0.0.1", "garbage", "message/cpim", 1.0,
            Delivery.RECEIVED)))
        assert "no blank line" in (await asyncio.wait_for(notices, 5)).text
        assert statuses == []
        [only] = [m for m in await phone.messages("sip:bob@127.0.0.1") if m.direction == "out"]
        assert only.delivery is Delivery.SENT
        kept = await phone.messages()
        assert [m.body for m in kept if m.direction == "in"] == ["garbage"]  # kept as came
    finally:
        await phone.stop()


async def test_typing_goes_out_once_then_idle_and_shows_at_the_peer(tmp_path):
    phone, backend = await engine(tmp_path, ALICE, BOB)
    phone.chat.composing.idle_s = 0.05
    try:
        shown = phone.bus.waiter(lambda ev: isinstance(ev, TypingChanged) and ev.active)
        assert await phone.typing("sip:bob@127.0.0.1", account_id="alice") is True
        assert await phone.typing("sip:bob@127.0.0.1", account_id="alice") is False  # <60 s
        ev = await asyncio.wait_for(shown, 5)
        assert (ev.account_id, ev.peer) == ("bob", "sip:alice@127.0.0.1")
        idle = await phone.bus.wait(lambda e: isinstance(e, TypingChanged) and not e.active, 5)
        assert isinstance(idle, TypingChanged)
        assert idle.account_id == "bob"
        assert backend.sent_typing == [("alice", "sip:bob@127.0.0.1", True),
                                       ("alice", "sip:bob@127.0.0.1", False)]
    finally:
        await phone.stop()


async def test_typing_off_sends_nothing_and_shows_nothing(tmp_path):
    quiet = dataclasses.replace(BOB, features=Features(read_receipts=True))
    phone, backend = await engine(tmp_path, ALICE, quiet)
    try:
        seen: list[TypingChanged] = []
        phone.bus.waiter(lambda ev: isinstance(ev, TypingChanged) and bool(seen.append(ev)))
        assert await phone.typing("sip:alice@127.0.0.1", account_id="bob") is False
        assert await phone.typing("sip:bob@127.0.0.1", account_id="alice") is True
        got = phone.bus.waiter(lambda ev: isinstance(ev, MessageReceived))
        await phone.send_message("sip:bob@127.0.0.1", "flush", account_id="alice")
        await asyncio.wait_for(got, 5)  # the typing event, emitted before, was dropped
        assert seen == []
        assert backend.sent_typing == [("alice", "sip:bob@127.0.0.1", True)]
    finally:
        await phone.stop()


async def test_a_long_text_goes_in_parts_and_arrives_whole(tmp_path):
    phone, backend = await engine(tmp_path, ALICE, BOB)
    text = "".join(f"line {i:04d} of a long text\n" for i in range(400))  # ~10 kB
    try:
        got = phone.bus.waiter(lambda ev: isinstance(ev, MessageReceived))
        delivered = phone.bus.waiter(lambda ev: isinstance(ev, MessageStatus)
                                     and ev.message.delivery is Delivery.DELIVERED)
        sent = await phone.send_message("sip:bob@127.0.0.1", text, account_id="alice")
        assert sent.parts == longtext.part_count(text) > 1
        done = await phone.bus.wait(reached(sent.id, Delivery.SENT), 5)
        assert done.message.body == text
        whole = (await asyncio.wait_for(got, 5)).message
        assert whole.body == text
        assert not whole.truncated
        wires = [cpim.parse(b) for a, _, b in backend.sent_messages if a == "alice"]
        assert len(wires) == sent.parts
        assert wires[0].body.startswith(f"(1/{sent.parts}) ")
        # each part asks for its own receipts; the text is delivered once all are
        assert [w.get("imdn.message-id") for w in wires] == [
            f"{sent.id}~{i}" for i in range(1, sent.parts + 1)]
        assert (await asyncio.wait_for(delivered, 5)).message.id == sent.id
        notes = [imdn.parse(cpim.parse(b).body) for a, _, b in backend.sent_messages
                 if a == "bob"]
        assert sorted(n.message_id for n in notes) == sorted(
            w.get("imdn.message-id") for w in wires)
        assert [m.body for m in await phone.messages("sip:alice@127.0.0.1")] == [text]
    finally:
        await phone.stop()


@pytest.mark.parametrize("fail_at", [0, 1])
async def test_a_failed_part_sends_every_part_again_and_the_receiver_keeps_one(tmp_path,
                                                                             fail_at):
    phone, backend = await engine(tmp_path, ALICE, BOB)
    phone.chat.outbox._backoff_s = (0.01,)
    text = "word " * 1200  # 6 kB: 3 parts
    try:
        backend.message_failures.extend([(200, "OK")] * fail_at + [(503, "Busy")])
        received: list[Message] = []
        phone.bus.waiter(lambda ev: isinstance(ev, MessageReceived) and bool(
            received.append(ev.message)))
        done = phone.bus.waiter(sent_from("alice"))
        whole = phone.bus.waiter(lambda ev: isinstance(ev, MessageReceived))
        await phone.send_message("sip:bob@127.0.0.1", text, account_id="alice")
        await asyncio.wait_for(done, 5)
        await asyncio.wait_for(whole, 5)
        assert [m.body for m in received] == [text]
        tries = [m for m in backend.sent_messages if m[0] == "alice"]
        assert len(tries) == 6  # two attempts of three parts
        assert len(await phone.messages("sip:alice@127.0.0.1")) == 1
    finally:
        await phone.stop()


async def test_the_same_imdn_id_from_a_peer_is_kept_once_and_truncation_is_kept(tmp_path):
    phone, backend = await engine(tmp_path, ALICE)
    try:
        body = cpim.build("sip:bob@127.0.0.1", "sip:alice@127.0.0.1", "text/plain", "once",
                          {"Message-ID": "linph-1", "Disposition-Notification": imdn.ASK})
        shown: list[Message] = []
        phone.bus.waiter(lambda ev: isinstance(ev, MessageReceived) and bool(
            shown.append(ev.message)))
        for call_id in ("sip-a", "sip-b"):  # a resend: new Call-ID, same imdn.Message-ID
            phone._on_event(MessageReceived(Message(
                call_id, "alice", "in", "sip:bob@127.0.0.1", body, "message/cpim", 1.0,
                Delivery.RECEIVED)))
        cut = body.replace("Content-Length: 4", "Content-Length: 400").replace(
            "linph-1", "linph-2")
        phone._on_event(MessageReceived(Message(
            "sip-c", "alice", "in", "sip:bob@127.0.0.1", cut, "message/cpim", 2.0,
            Delivery.RECEIVED)))
        await asyncio.sleep(0)
        assert [(m.body, m.truncated) for m in shown] == [("once", False), ("once", True)]
        kept = await phone.messages()
        assert [(m.body, m.truncated, m.imdn_id) for m in kept] == [
            ("once", False, "linph-1"), ("once", True, "linph-2")]
        # one delivery notification each, to bob
        receipts = [imdn.parse(cpim.parse(b).body) for _, _, b in backend.sent_messages]
        assert [r.message_id for r in receipts] == ["linph-1", "linph-2"]
    finally:
        await phone.stop()


async def test_the_echo_line_gets_plain_text_with_receipts_on(tmp_path):
    backend = FakeBackend()
    phone = Phone(EngineSetup(accounts=(ALICE,), db_path=tmp_path / "db"), backend)
    await phone.start()
    try:
        reply = phone.bus.waiter(lambda ev: isinstance(ev, MessageReceived)
                                 and ev.message.account_id == "alice")
        await phone.send_message("echo", "ping", account_id="alice")
        assert (await asyncio.wait_for(reply, 5)).message.body == "echo: ping"
        assert backend.sent_messages[0][2] == "ping"
    finally:
        await phone.stop()


async def test_a_part_refused_for_good_fails_the_message_once(tmp_path):
    phone, backend = await engine(tmp_path, ALICE, BOB)
    try:
        backend.message_failures.extend([(200, "OK"), (404, "Not Found")])
        statuses: list[Message] = []
        phone.bus.waiter(lambda ev: isinstance(ev, MessageStatus) and bool(
            statuses.append(ev.message)))
        failed = phone.bus.waiter(lambda ev: isinstance(ev, MessageStatus)
                                  and ev.message.delivery is Delivery.FAILED)
        sent = await phone.send_message("sip:bob@127.0.0.1", "word " * 1200,
                                        account_id="alice")
        done = (await asyncio.wait_for(failed, 5)).message
        assert (done.id, done.code, done.body) == (sent.id, 404, "word " * 1200)
        [kept] = [m for m in await phone.messages() if m.direction == "out"]
        assert (kept.delivery, kept.code) == (Delivery.FAILED, 404)
        assert [m.delivery for m in statuses if m.id == sent.id].count(Delivery.FAILED) == 1
        assert all(m.id == sent.id for m in statuses)
    finally:
        await phone.stop()
