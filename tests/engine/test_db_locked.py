"""The database locked by another process (it holds ``BEGIN EXCLUSIVE``) while the engine
writes call history and incoming chat: a notice, calls and chat go on, and once the lock
is released everything held back is saved, in order, with nothing lost."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.engine.test_disk_full import ALICE, BOB, _call, _notice, _record
from tests.support.events import Recorder
from tuiphone.engine import journal
from tuiphone.engine.fake import FakeBackend
from tuiphone.engine.phone import Phone
from tuiphone.engine.setup import EngineSetup
from tuiphone.model.events import MessageReceived, Notice

LOCKER = r"""
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN EXCLUSIVE")
print("locked", flush=True)
sys.stdin.readline()  # held until the test says so
conn.execute("COMMIT")
conn.close()
"""


@pytest.fixture
def locker(tmp_path: Path) -> Iterator[object]:
    procs: list[subprocess.Popen[str]] = []

    def lock(db: Path) -> subprocess.Popen[str]:
        proc = subprocess.Popen([sys.executable, "-c", LOCKER, str(db)], text=True,
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        procs.append(proc)
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "locked"
        return proc

    yield lock
    for proc in procs:
        proc.kill()
        proc.wait(10)


async def test_a_locked_database_delays_history_and_chat_and_loses_nothing(
        tmp_path: Path, locker, monkeypatch) -> None:
    monkeypatch.setattr(journal, "RETRY_S", 0.2)
    db = tmp_path / "tuiphone.db"
    phone = Phone(EngineSetup(accounts=(ALICE, BOB), db_path=db, echo_line=False),
                  FakeBackend())
    await phone.start()
    events = Recorder()
    recording = asyncio.ensure_future(_record(phone, events))
    try:
        await _call(phone, events)
        assert len(await phone.history()) == 2
        holder = await asyncio.to_thread(locker, db)  # type: ignore[operator]
        for _ in range(2):
            await _call(phone, events)  # calls go on while the file is locked
        sent = await phone.send_message("sip:bob@127.0.0.1", "while locked", account_id="alice")
        await events.wait(lambda e: isinstance(e, MessageReceived)
                          and e.message.body == sent.body and e.message.direction == "in")
        held = await events.wait(_notice("error", "call history not saved"))
        assert isinstance(held, Notice)
        assert "locked by another program" in held.text
        assert phone.journal.waiting >= 4  # two legs of two calls, and bob's copy
        assert holder.stdin is not None
        holder.stdin.write("go\n")
        holder.stdin.flush()
        back = await events.wait(_notice("info", "call history is saved again"))
        assert isinstance(back, Notice)
        assert back.text.endswith("(nothing lost)"), back.text
        assert phone.journal.waiting == 0  # the rest went with the first, in order
        assert len(await phone.history()) == 6
        stored = [m for m in await phone.messages(None, 50) if m.body == "while locked"]
        assert sorted(m.direction for m in stored) == ["in", "out"]
    finally:
        await phone.stop()
        recording.cancel()
        await asyncio.gather(recording, return_exceptions=True)
