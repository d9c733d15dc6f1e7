"""A full disk under the database (a 1 MB tmpfs, filled up): calls and chat go on,
the user gets one notice per kind of thing not saved, and one when saving works again."""

from __future__ import annotations

import asyncio
import contextlib
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import lab_missing, need_binary
from tests.support.events import Recorder
from tuiphone.engine.fake import FakeBackend
from tuiphone.engine.phone import Phone
from tuiphone.engine.setup import EngineSetup
from tuiphone.model.account import AccountConfig
from tuiphone.model.call import CallState
from tuiphone.model.events import CallChanged, MessageReceived, Notice

ALICE = AccountConfig(id="alice", uri="sip:alice@127.0.0.1")
BOB = AccountConfig(id="bob", uri="sip:bob@127.0.0.1", auto_answer=True)


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 1 MB tmpfs, unmounted at teardown. Needs root (CI runs the lab as root)."""
    need_binary("mount")
    mnt = tmp_path / "small"
    mnt.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m,mode=0700", "tmpfs", str(mnt)],
                          capture_output=True, text=True, check=False)
    if done.returncode != 0:
        lab_missing(f"cannot mount a tmpfs: {done.stderr.strip()}")
    try:
        yield mnt
    finally:
        subprocess.run(["umount", "-l", str(mnt)], check=False)


def fill(disk: Path) -> Path:
    """Take every free block of ``disk``; returns the filler file."""
    filler = disk / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        with contextlib.suppress(OSError):  # ENOSPC ends it
            while os.write(fd, b"\0" * 4096):
                pass
    finally:
        os.close(fd)
    assert os.statvfs(disk).f_bavail == 0
    return filler


async def _call(phone: Phone, events: Recorder) -> None:
    call = await phone.call("sip:bob@127.0.0.1", account_id="alice")
    await events.wait(lambda e: isinstance(e, CallChanged) and e.call.id == call.id
                      and e.call.state is CallState.CONNECTED)
    await phone.hangup(call.id)
    await events.wait(lambda e: isinstance(e, CallChanged) and e.call.id == call.id
                      and e.call.state is CallState.ENDED)


async def _record(phone: Phone, events: Recorder) -> None:
    async for event in phone.events():
        events(event)


def _notice(level: str, start: str):
    return lambda e: isinstance(e, Notice) and e.level == level and e.text.startswith(start)


async def test_a_full_disk_is_a_notice_and_calls_and_chat_go_on(small_disk: Path) -> None:
    phone = Phone(EngineSetup(accounts=(ALICE, BOB), db_path=small_disk / "tuiphone.db",
                              echo_line=False), FakeBackend())
    await phone.start()
    events = Recorder()
    recording = asyncio.ensure_future(_record(phone, events))
    try:
        await _call(phone, events)
        assert len(await phone.history()) == 2  # both legs, while there is room
        filler = fill(small_disk)
        for _ in range(3):
            await _call(phone, events)
        sent = await phone.send_message("sip:bob@127.0.0.1", "x" * 2000, account_id="alice")
        await events.wait(lambda e: isinstance(e, MessageReceived) and e.message.body == sent.body)
        await events.wait(_notice("error", "chat not saved"))
        filler.unlink()
        await _call(phone, events)
        back = await events.wait(_notice("info", "call history is saved again"))
        assert isinstance(back, Notice)
        assert back.text.endswith("(6 not saved)")  # two legs of three calls
        assert len(await phone.history()) == 4
    finally:
        await phone.stop()
        recording.cancel()
        await asyncio.gather(recording, return_exceptions=True)
    errors = [e.text for e in events.events if isinstance(e, Notice) and e.level == "error"]
    assert [t.split(" not saved")[0] for t in errors] == ["call history", "chat"], errors
    assert all("is full" in t for t in errors), errors
