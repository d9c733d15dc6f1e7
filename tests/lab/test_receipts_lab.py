"""IMDN receipts, is-composing and long text against real components: two tuiphone
accounts (one pjsua2 engine) through Kamailio, and baresip, which answers CPIM with
415 and so gets plain text."""

from __future__ import annotations

import asyncio
import dataclasses

import pjsua2  # noqa: F401 - a hard dependency: missing, the lab must fail, not skip
import pytest

from tests.lab.engine_harness import Watch, lab_account
from tests.lab.kamailio import Kamailio
from tuiphone.model import longtext
from tuiphone.model.account import Features, RegState
from tuiphone.model.events import MessageReceived, MessageStatus, TypingChanged
from tuiphone.model.message import Delivery

pytestmark = [pytest.mark.lab, pytest.mark.pjsua]

ON = Features(read_receipts=True, typing=True)


def account(kam: Kamailio, user: str, features: Features = ON):
    return dataclasses.replace(lab_account(kam, user), features=features)


async def registered(phone, watch: Watch, *users: str) -> None:
    for user in users:
        acc = await watch.settled(phone, user)
        assert acc.reg_state is RegState.REGISTERED, f"{user}: {acc.code} {acc.reason}"


def state_of(msg_id: str, delivery: Delivery):
    return lambda e: (isinstance(e, MessageStatus) and e.message.id == msg_id
                      and e.message.delivery is delivery)


def received_by(account_id: str):
    return lambda e: isinstance(e, MessageReceived) and e.message.account_id == account_id


async def test_tuiphone_to_tuiphone_delivered_displayed_and_typing(kamailio, phone_factory):
    phone = await phone_factory(account(kamailio, "alice"), account(kamailio, "bob"))
    watch = Watch(phone)
    await registered(phone, watch, "alice", "bob")
    sent = await phone.send_message("bob", "receipts please ☃", account_id="alice")
    got = await watch.wait(received_by("bob"))
    assert isinstance(got, MessageReceived)
    assert (got.message.body, got.message.content_type) == ("receipts please ☃", "text/plain")
    assert got.message.imdn_id == sent.id
    await watch.wait(state_of(sent.id, Delivery.DELIVERED))
    [kept] = [m for m in await phone.messages() if m.direction == "out"]
    assert kept.delivery is Delivery.DELIVERED  # not displayed before bob reads it
    assert await phone.mark_read(got.message.peer) == 1  # unread; its display receipt goes
    done = await watch.wait(state_of(sent.id, Delivery.DISPLAYED))
    assert done.message.body == "receipts please ☃"  # type: ignore[union-attr]
    # the notifications were not stored as chat
    assert sorted(m.body for m in await phone.messages()) == ["receipts please ☃"] * 2

    assert await phone.typing("bob", account_id="alice") is True
    typing = await watch.wait(lambda e: isinstance(e, TypingChanged) and e.account_id == "bob")
    assert typing.active  # type: ignore[union-attr]
    assert "alice@" in typing.peer  # type: ignore[union-attr]


async def test_long_text_through_kamailio_arrives_whole(kamailio, phone_factory):
    phone = await phone_factory(account(kamailio, "alice"), account(kamailio, "bob"))
    watch = Watch(phone)
    await registered(phone, watch, "alice", "bob")
    text = "".join(f"{i:05d} Grüße, this is a long text. " for i in range(400))  # 14 kB
    sent = await phone.send_message("bob", text, account_id="alice")
    assert sent.parts == longtext.part_count(text) >= 5
    await watch.wait(state_of(sent.id, Delivery.SENT))
    got = await watch.wait(received_by("bob"))
    assert got.message.body == text  # type: ignore[union-attr]
    assert not got.message.truncated  # type: ignore[union-attr]
    assert len([m for m in await phone.messages() if m.direction == "in"]) == 1
    # each part went in CPIM asking for receipts: delivered once every part was,
    # displayed once bob read the thread (the least advanced part decides)
    await watch.wait(state_of(sent.id, Delivery.DELIVERED))
    assert await phone.mark_read(got.message.peer) == 1  # type: ignore[union-attr]
    await watch.wait(state_of(sent.id, Delivery.DISPLAYED))


async def test_baresip_gets_plain_text_with_receipts_on_and_answers(
        kamailio, baresip_factory, phone_factory):
    carol = baresip_factory(kamailio.port, "carol", console=True,
                            contact=f"sip:alice@{kamailio.domain}")
    assert carol.console is not None
    phone = await phone_factory(account(kamailio, "alice"))
    watch = Watch(phone)
    await registered(phone, watch, "alice")
    first = await phone.send_message("carol", "hello baresip", account_id="alice")
    done = await watch.wait(lambda e: isinstance(e, MessageStatus) and e.message.id == first.id
                            and not e.message.delivery.pending)
    assert (done.message.delivery, done.message.code) == (Delivery.SENT, 200)  # type: ignore
    refused = [e.message.code for e in watch.seen if isinstance(e, MessageStatus)
               and e.message.id == first.id and e.message.delivery is Delivery.QUEUED]
    assert refused == [415]  # CPIM first, refused, then the same message as plain text
    second = await phone.send_message("carol", "second one", account_id="alice")
    await watch.wait(state_of(second.id, Delivery.SENT))
    assert not [e for e in watch.seen if isinstance(e, MessageStatus)
                and e.message.id == second.id and e.message.code == 415]  # remembered
    counted = await asyncio.to_thread(carol.console.wait, 2)
    assert set(counted) == {"hello baresip", "second one"}
    assert all(n == 1 for n in counted.values())
    # and baresip's own message reaches us as plain text
    await asyncio.to_thread(carol.send_message, "from baresip")
    got = await watch.wait(received_by("alice"))
    assert got.message.body == "from baresip"  # type: ignore[union-attr]


@pytest.fixture
def linphonec(kamailio: Kamailio, tmp_path):
    from tests.lab.fixtures import need_binary
    from tests.lab.linphonec import Linphonec

    work = tmp_path / "linphonec"
    work.mkdir()
    lc = Linphonec.launch(need_binary("linphonec"), work, (kamailio.host, kamailio.port),
                          kamailio.domain, "dave", "davepw")
    yield lc
    lc.stop()


async def test_linphonec_text_chat_both_ways_and_its_receipt(kamailio, phone_factory,
                                                              linphonec):
    phone = await phone_factory(account(kamailio, "alice"))
    watch = Watch(phone)
    await registered(phone, watch, "alice")
    sent = await phone.send_message("dave", "hello linphone", account_id="alice")
    await asyncio.to_thread(linphonec.wait_received, "hello linphone")
    # Linphone answers our CPIM with a (deflated, bare) IMDN delivery notification
    await watch.wait(state_of(sent.id, Delivery.DELIVERED))
    linphonec.chat(f"sip:alice@{kamailio.domain}", "hello tuiphone")
    got = await watch.wait(received_by("alice"))
    assert got.message.body == "hello tuiphone"  # type: ignore[union-attr]

