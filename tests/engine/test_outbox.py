"""The outbox on the FakeBackend: nothing lost, nothing shown twice."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from tuiphone.engine.fake import FakeBackend
from tuiphone.engine.phone import Phone
from tuiphone.engine.setup import EngineSetup
from tuiphone.model.account import AccountConfig
from tuiphone.model.errors import LimitExceeded
from tuiphone.model.events import MessageReceived, MessageStatus
from tuiphone.model.message import Delivery, Message
from tuiphone.store import Store

REG = AccountConfig(id="reg", uri="sip:carol@example.test", registrar="sip:example.test")
DOWN = {"reg": (503, "Service Unavailable")}
TO = "sip:dave@example.test"


async def started(db: Path, backend: FakeBackend, **kw) -> Phone:
    setup = EngineSetup(accounts=(REG,), echo_line=False, db_path=db, **kw)
    phone = Phone(setup, backend)
    await phone.start()
    return phone


def status(msg_id: str, *states: Delivery):
    return lambda ev: (isinstance(ev, MessageStatus) and ev.message.id == msg_id
                       and ev.message.delivery in states)


async def until_state(phone: Phone, msg_id: str, *states: Delivery) -> Message:
    ev = await phone.bus.wait(status(msg_id, *states), 5)
    assert isinstance(ev, MessageStatus)
    return ev.message


async def test_queued_while_unregistered_and_sent_once_on_register(tmp_path):
    backend = FakeBackend(register_failure=DOWN)
    phone = await started(tmp_path / "db", backend)
    try:
        sent = await phone.send_message(TO, "while down")
        assert sent.delivery is Delivery.QUEUED
        for _ in range(5):  # let any (wrong) flush run
            await asyncio.sleep(0)
        assert backend.sent_messages == []
        assert [m.id for m in await phone.messages(pending=True)] == [sent.id]
        backend.register_failure.clear()
        done = asyncio.ensure_future(until_state(phone, sent.id, Delivery.SENT))
        await phone.register("reg")
        assert (await done).code == 200
        assert backend.sent_messages == [("reg", TO, "while down")]
        assert await phone.messages(pending=True) == []
    finally:
        await phone.stop()


async def test_queue_survives_a_restart(tmp_path):
    backend = FakeBackend(register_failure=DOWN)
    phone = await started(tmp_path / "db", backend)
    sent = await phone.send_message(TO, "before restart")
    await phone.stop()
    backend = FakeBackend()
    phone = Phone(EngineSetup(accounts=(REG,), echo_line=False, db_path=tmp_path / "db"),
                  backend)
    done = asyncio.ensure_future(until_state(phone, sent.id, Delivery.SENT))
    await phone.start()
    try:
        await done
        assert backend.sent_messages == [("reg", TO, "before restart")]
    finally:
        await phone.stop()


async def test_a_message_left_sending_by_a_dead_process_is_sent_again(tmp_path):
    db = tmp_path / "db"
    with Store(db) as store:
        store.add_message(Message("m1", "reg", "out", TO, "in flight", "text/plain", 1e9 * 1.8,
                                  Delivery.QUEUED))
        assert store.take_for_sending("m1")
    backend = FakeBackend()
    phone = Phone(EngineSetup(accounts=(REG,), echo_line=False, db_path=db), backend)
    done = asyncio.ensure_future(until_state(phone, "m1", Delivery.SENT))
    await phone.start()
    try:
        assert (await done).attempts == 2
        assert backend.sent_messages == [("reg", TO, "in flight")]
    finally:
        await phone.stop()


@pytest.mark.parametrize("code", [408, 480, 503])
async def test_transient_failure_is_retried_with_its_cause(tmp_path, code):
    backend = FakeBackend()
    backend.message_failures.append((code, "try later"))
    phone = await started(tmp_path / "db", backend, message_backoff_s=(0.05,))
    try:
        sent = await phone.send_message(TO, "flaky")
        again = await until_state(phone, sent.id, Delivery.QUEUED)
        assert (again.code, again.reason, again.attempts) == (code, "try later", 1)
        done = await until_state(phone, sent.id, Delivery.SENT)
        assert done.code == 200
        assert len(backend.sent_messages) == 2
    finally:
        await phone.stop()


async def test_final_failure_is_not_retried(tmp_path):
    backend = FakeBackend()
    phone = await started(tmp_path / "db", backend, message_backoff_s=(0.01,))
    try:
        sent = await phone.send_message("sip:nobody@example.test", "hi")
        failed = await until_state(phone, sent.id, Delivery.FAILED)
        assert (failed.code, failed.reason) == (404, "Not Found")
        assert len(backend.sent_messages) == 1
        (kept,) = await phone.messages("sip:nobody@example.test")
        assert (kept.delivery, kept.code) == (Delivery.FAILED, 404)
    finally:
        await phone.stop()


async def test_gives_up_after_the_configured_age_with_the_cause(tmp_path):
    backend = FakeBackend()
    backend.message_failures.extend([(503, "Service Unavailable")] * 10)
    phone = await started(tmp_path / "db", backend, message_backoff_s=(0.02,),
                          message_retry_s=0.1)
    try:
        sent = await phone.send_message(TO, "doomed")
        failed = await until_state(phone, sent.id, Delivery.FAILED)
        assert failed.reason.startswith("not sent within")
        assert failed.reason.endswith("attempts): Service Unavailable")
        assert failed.code == 503
        assert await phone.messages(pending=True) == []
    finally:
        await phone.stop()


async def test_unregistered_account_gives_up_after_the_age(tmp_path):
    backend = FakeBackend(register_failure=DOWN)
    phone = await started(tmp_path / "db", backend, message_retry_s=0.0)
    try:
        sent = await phone.send_message(TO, "never registered")
        failed = await until_state(phone, sent.id, Delivery.FAILED)
        assert "account not registered" in failed.reason
        assert backend.sent_messages == []
    finally:
        await phone.stop()


async def test_body_too_big_is_refused_before_it_is_stored(tmp_path):
    phone = await started(tmp_path / "db", FakeBackend())
    try:
        with pytest.raises(LimitExceeded, match="3001 bytes"):
            await phone.send_message(TO, "é" * 1500 + "x", content_type="application/json")
        with pytest.raises(LimitExceeded, match="at most 20 parts"):
            await phone.send_message(TO, "word " * 12000)  # 60 kB of text: 25 parts
        assert await phone.messages() == []
    finally:
        await phone.stop()


async def test_a_retransmitted_incoming_message_is_kept_and_shown_once(tmp_path):
    phone = await started(tmp_path / "db", FakeBackend())
    try:
        shown: list[str] = []
        done = phone.bus.waiter(lambda ev: isinstance(ev, MessageReceived) and (
            shown.append(ev.message.id) or ev.message.id == "sip-next"))
        msg = Message("sip-abc", "reg", "in", TO, "once", "text/plain", 1.8e9,
                      Delivery.RECEIVED)
        for _ in range(3):  # the original and two retransmissions (same Call-ID, CSeq)
            phone._on_event(MessageReceived(msg))
        phone._on_event(MessageReceived(Message("sip-next", "reg", "in", TO, "next",
                                                "text/plain", 1.8e9 + 1, Delivery.RECEIVED)))
        await asyncio.wait_for(done, 5)
        assert shown == ["sip-abc", "sip-next"]
        assert [m.body for m in await phone.messages()] == ["once", "next"]
    finally:
        await phone.stop()
