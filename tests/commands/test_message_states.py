"""message --wait and messages --pending through the command table (FakeBackend)."""

from __future__ import annotations

import json

import pytest

from tuiphone.commands.errors import result_of
from tuiphone.commands.runner import run_line
from tuiphone.engine.fake import FakeBackend
from tuiphone.engine.phone import Phone
from tuiphone.engine.setup import EngineSetup
from tuiphone.model.account import AccountConfig
from tuiphone.model.codec import dumps
from tuiphone.model.errors import LimitExceeded, Timeout

WORK = AccountConfig(id="work", uri="sip:alice@example.com", registrar="sip:example.com")


@pytest.fixture
async def offline(tmp_path):
    """An engine whose only account cannot register (503 from the registrar)."""
    backend = FakeBackend(register_failure={"work": (503, "Service Unavailable")})
    phone = Phone(EngineSetup(accounts=(WORK,), echo_line=False, db_path=tmp_path / "db"),
                  backend)
    await phone.start()
    yield phone
    await phone.stop()


async def test_message_waits_for_sent_by_default(phone):
    result = await run_line(phone, "message echo hello")
    assert json.loads(dumps(result))["delivery"] == "sent"


async def test_wait_delivered_times_out_without_a_receipt(phone):
    with pytest.raises(Timeout, match="is sent, not delivered") as info:
        await run_line(phone, "message echo hello --wait delivered --timeout 0.2")
    assert result_of(info.value).delivery.value == "sent"


async def test_unregistered_message_stays_queued_and_is_listed_pending(offline):
    with pytest.raises(Timeout, match="queued.*stays in the outbox") as info:
        await run_line(offline, "message sip:bob@example.com hi --timeout 0.1")
    queued = result_of(info.value)
    pending = json.loads(dumps(await run_line(offline, "messages --pending")))
    assert [(m["id"], m["delivery"]) for m in pending] == [(queued.id, "queued")]
    assert await run_line(offline, "messages sip:carol@example.com --pending") == []
    assert len(await run_line(offline, "messages")) == 1


async def test_a_body_too_big_is_refused(phone):
    with pytest.raises(LimitExceeded, match="at most 20 parts"):
        await run_line(phone, "message echo " + "x" * 60_000)
    assert await run_line(phone, "messages") == []


async def test_a_long_text_says_its_parts_before_it_goes(phone, capsys):
    text = "word " * 1200  # 6000 bytes: 3 parts
    result = await run_line(phone, "message echo '" + text + "'")
    out = json.loads(dumps(result))
    assert (out["delivery"], out["parts"]) == ("sent", 3)
    assert "it is sent in 3 numbered parts" in capsys.readouterr().err


async def test_wait_delivered_and_displayed_come_from_receipts(tmp_path):
    import asyncio

    from tuiphone.model.account import Features
    from tuiphone.model.events import MessageReceived

    on = Features(read_receipts=True)
    alice = AccountConfig(id="alice", uri="sip:alice@127.0.0.1", features=on)
    bob = AccountConfig(id="bob", uri="sip:bob@127.0.0.1", features=on)
    phone = Phone(EngineSetup(accounts=(alice, bob), echo_line=False,
                              db_path=tmp_path / "db"), FakeBackend())
    await phone.start()
    try:
        result = await run_line(phone, "message sip:bob@127.0.0.1 hi --wait delivered")
        assert json.loads(dumps(result))["delivery"] == "delivered"
        got = phone.bus.waiter(lambda ev: isinstance(ev, MessageReceived))
        waiting = asyncio.ensure_future(
            run_line(phone, "message sip:bob@127.0.0.1 again --wait displayed --timeout 5"))
        incoming = (await asyncio.wait_for(got, 5)).message
        assert await phone.mark_read(incoming.peer) == 2  # both of alice's messages were unread
        assert json.loads(dumps(await waiting))["delivery"] == "displayed"
    finally:
        await phone.stop()
