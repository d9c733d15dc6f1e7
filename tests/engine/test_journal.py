"""Journal: what the engine keeps, and what it says when the disk is full."""

from __future__ import annotations

import errno
import resource
import signal
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from dataclasses import replace
from pathlib import Path

import pytest

from tests.store.conftest import call, message
from tuiphone.engine.journal import Journal
from tuiphone.engine.tracefile import append_record
from tuiphone.model.events import Event, Notice, SipTrace
from tuiphone.model.message import Message
from tuiphone.model.trace import TraceEntry
from tuiphone.store import Store


def _trace(n: int) -> TraceEntry:
    return TraceEntry(timestamp=1000.0 + n, direction="rx", transport="UDP",
                      peer="127.0.0.1:5060", text=f"OPTIONS sip:a@h SIP/2.0\r\nCSeq: {n} X\r\n")


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store(tmp_path / "tuiphone.db") as opened:
        yield opened


@pytest.fixture
def notices() -> list[Notice]:
    return []


def _journal(store: Store, notices: list[Notice], trace: Path | None = None) -> Journal:
    def publish(ev: Event) -> None:
        assert isinstance(ev, Notice)
        notices.append(ev)
    return Journal(store, trace, publish)


def _keep(journal: Journal, store: Store, msg: Message) -> None:
    """What Chat does with an incoming message."""
    journal.save("chat", lambda: store.add_message(msg))


def _full_store(tmp_path: Path) -> Store:
    path = tmp_path / "full.db"
    Store(path).close()
    with closing(sqlite3.connect(path)) as conn:
        pages = int(conn.execute("PRAGMA page_count").fetchone()[0])
    return Store(path, max_pages=pages + 2)


def test_a_full_disk_is_one_notice_then_one_when_it_works_again(tmp_path, notices):
    store = _full_store(tmp_path)
    journal = _journal(store, notices)
    big = "x" * 20_000
    for n in range(5):  # each too big for what is left: five failures, one notice
        _keep(journal, store, replace(message(n), body=big))
    assert [(n.level, n.text.split(":")[0]) for n in notices] == [("error", "chat not saved")]
    assert "is full" in notices[0].text
    _keep(journal, store, message(9))  # a small one fits
    assert notices[1].level == "info"
    assert notices[1].text == "chat is saved again (5 not saved)"
    assert [m.id for m in store.messages()] == [message(9).id]
    store.close()


def test_kinds_complain_apart(tmp_path, notices):
    store = _full_store(tmp_path)
    journal = _journal(store, notices, trace=Path("/dev/full"))
    _keep(journal, store, replace(message(1), body="y" * 20_000))
    journal.on_event(SipTrace(_trace(1)))
    journal.on_event(SipTrace(_trace(2)))
    assert [n.text.split(" not saved")[0] for n in notices] == ["chat", "SIP trace log"]
    assert notices[1].text == "SIP trace log not saved: /dev/full: No space left on device"
    store.close()


def test_history_is_kept_and_echo_is_not(store, notices):
    journal = _journal(store, notices)
    journal.record_history(call(1))
    journal.record_history(replace(call(2), account_id="echo"))
    assert [e.call_id for e in store.history()] == ["c1"]
    assert notices == []


def test_trace_record_is_whole_or_absent(tmp_path):
    path = tmp_path / "trace.log"
    append_record(path, _trace(1))
    first = path.read_bytes()
    assert first.endswith(b"CSeq: 1 X\n\n")
    assert path.stat().st_mode & 0o777 == 0o600
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    old = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # EFBIG instead of a signal
    resource.setrlimit(resource.RLIMIT_FSIZE, (len(first) + 10, hard))
    try:
        with pytest.raises(OSError, match="trace.log") as info:
            append_record(path, _trace(2))  # only 10 bytes of it fit
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
        signal.signal(signal.SIGXFSZ, old)
    assert info.value.errno == errno.EFBIG
    assert path.read_bytes() == first
    append_record(path, _trace(3))
    assert path.read_bytes().count(b"OPTIONS") == 2
