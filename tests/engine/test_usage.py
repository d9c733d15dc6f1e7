"""Usage counters (features.usage_counters): what the engine counts, only when on."""

from __future__ import annotations

import asyncio
import dataclasses
from pathlib import Path

import pytest

from tuiphone.engine.fake import FakeBackend
from tuiphone.engine.phone import Phone
from tuiphone.engine.setup import EngineSetup
from tuiphone.engine.usage import call_result
from tuiphone.model.account import AccountConfig, Features
from tuiphone.model.call import CallInfo, CallState, Direction
from tuiphone.model.errors import UsageError
from tuiphone.model.events import CallChanged, IncomingCall, MessageReceived
from tuiphone.store import Store

ON = Features(usage_counters=True)
ALICE = AccountConfig(id="alice", uri="sip:alice@127.0.0.1", features=ON)
BOB = AccountConfig(id="bob", uri="sip:bob@127.0.0.1", features=ON)
REG = AccountConfig(id="reg", uri="sip:carol@example.test", registrar="sip:example.test",
                    features=ON)


def off(account: AccountConfig) -> AccountConfig:
    return dataclasses.replace(account, features=Features())


def ended(call_id: str):
    return lambda ev: (isinstance(ev, CallChanged) and ev.call.id == call_id
                       and ev.call.state is CallState.ENDED)


async def use_the_phone(db: Path, *accounts: AccountConfig) -> None:
    """One answered call alice -> bob, a busy one, a message each way, a REGISTER, an
    app start and a screen."""
    phone = Phone(EngineSetup(accounts=accounts, db_path=db), FakeBackend())
    await phone.start()
    try:
        incoming = phone.bus.waiter(lambda ev: isinstance(ev, IncomingCall))
        out = await phone.call("sip:bob@127.0.0.1", account_id="alice")
        await phone.answer((await asyncio.wait_for(incoming, 5)).call.id)
        gone = phone.bus.waiter(ended(out.id))
        await phone.hangup(out.id)
        await asyncio.wait_for(gone, 5)
        busy = await phone.call("sip:busy@example.test", account_id="alice")
        await phone.bus.wait(ended(busy.id), 5)
        received = phone.bus.waiter(lambda ev: isinstance(ev, MessageReceived))
        await phone.send_message("sip:bob@127.0.0.1", "hi", account_id="alice")
        await asyncio.wait_for(received, 5)
        await phone.register("reg", timeout_s=5)
        await phone.note_usage("start.cli")
        await phone.note_usage("screen.contacts")
    finally:
        await phone.stop()  # what is still queued is counted before the store closes


def counters(db: Path) -> dict[str, int]:
    store = Store(str(db))
    try:
        return store.counters()
    finally:
        store.close()


async def test_every_kind_is_counted_when_on(tmp_path: Path) -> None:
    db = tmp_path / "t.sqlite3"
    await use_the_phone(db, ALICE, BOB, REG)
    assert counters(db) == {
        "alice:calls.answered": 1, "alice:call.seconds": 0, "alice:calls.busy": 1,
        "alice:messages.sent": 1,
        "bob:calls.answered": 1, "bob:call.seconds": 0, "bob:messages.received": 1,
        "reg:registrations": 2,  # at start, then the explicit register
        "*:start.cli": 1, "*:screen.contacts": 1,
    }


async def test_nothing_is_counted_when_off(tmp_path: Path) -> None:
    db = tmp_path / "t.sqlite3"
    await use_the_phone(db, off(ALICE), off(BOB), off(REG))
    assert counters(db) == {}


async def test_only_the_accounts_that_turned_it_on(tmp_path: Path) -> None:
    db = tmp_path / "t.sqlite3"
    await use_the_phone(db, ALICE, off(BOB), off(REG))
    kept = counters(db)
    assert {name.split(":")[0] for name in kept} == {"alice", "*"}  # app-wide: alice is on
    assert kept["alice:messages.sent"] == 1


async def test_a_failed_registration_and_a_crash_are_counted(tmp_path: Path) -> None:
    db = tmp_path / "t.sqlite3"
    backend = FakeBackend(register_failure={"reg": (403, "Forbidden")})
    phone = Phone(EngineSetup(accounts=(REG,), db_path=db, register_backoff_s=(60.0,)),
                  backend)
    await phone.start()
    try:
        with pytest.raises(Exception, match="403"):
            await phone.register("reg", timeout_s=5)

        async def broken() -> None:
            raise RuntimeError("a bug")

        done = asyncio.Event()
        phone.spawn(broken())
        asyncio.get_running_loop().call_soon(done.set)
        await done.wait()
        with pytest.raises(UsageError, match="not a usage fact"):
            await phone.note_usage("calls.answered")  # front ends may report app facts only
    finally:
        await phone.stop()
    assert counters(db) == {"reg:registration.failures": 1, "*:crashes": 1}


def _call(direction: Direction, code: int, answered: float | None = None) -> CallInfo:
    return CallInfo("c1", "a", direction, "sip:x@y", CallState.ENDED, code=code,
                    started=1.0, answered=answered, ended=70.0)


@pytest.mark.parametrize(("call", "result"), [
    (_call(Direction.OUTGOING, 200, answered=10.0), "answered"),
    (_call(Direction.INCOMING, 200, answered=10.0), "answered"),
    (_call(Direction.INCOMING, 487), "missed"),
    (_call(Direction.INCOMING, 603), "missed"),
    (_call(Direction.OUTGOING, 486), "busy"),
    (_call(Direction.OUTGOING, 600), "busy"),
    (_call(Direction.OUTGOING, 487), "cancelled"),
    (_call(Direction.OUTGOING, 404), "failed"),
    (_call(Direction.OUTGOING, 503), "failed"),
])
def test_call_results(call: CallInfo, result: str) -> None:
    assert call_result(call) == result
