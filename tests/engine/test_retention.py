"""Retention in the engine: a purge at start and every day, the trace log trimmed by
age while new records wait, history_limit on every finished call."""

from __future__ import annotations

import asyncio
import dataclasses
import time
from pathlib import Path

import pytest

from tests.store.conftest import call, message
from tuiphone.engine.fake import FakeBackend
from tuiphone.engine.journal import Journal
from tuiphone.engine.phone import Phone
from tuiphone.engine.retention import DAY_S, Retention
from tuiphone.engine.setup import EngineSetup
from tuiphone.engine.tracefile import append_record, drop_older
from tuiphone.model.account import AccountConfig, Features
from tuiphone.model.events import SipTrace
from tuiphone.model.trace import TraceEntry
from tuiphone.store import Store

NOW = time.time()


def trace(at: float, n: int, body: str = "") -> TraceEntry:
    return TraceEntry(timestamp=at, direction="rx", transport="UDP", peer="198.18.0.1:5060",
                      text=f"OPTIONS sip:a@h SIP/2.0\r\nCSeq: {n} OPTIONS\r\n\r\n{body}")


def test_drop_older_cuts_at_the_first_new_record(tmp_path: Path):
    path = tmp_path / "sip-trace.log"
    # a body line that looks like a record head must not be taken for one
    append_record(path, trace(NOW - 3 * DAY_S, 1,
                              body=time.strftime("%Y-%m-%d %H:%M:%S RX fake", time.localtime())))
    append_record(path, trace(NOW - 2 * DAY_S, 2))
    append_record(path, trace(NOW - 60, 3))
    dropped = drop_older(path, NOW - DAY_S)
    text = path.read_text()
    assert dropped > 0
    assert "CSeq: 3 OPTIONS" in text
    assert "CSeq: 1" not in text
    assert "CSeq: 2" not in text
    assert path.stat().st_mode & 0o777 == 0o600
    assert drop_older(path, NOW - DAY_S) == 0  # nothing older left
    assert drop_older(tmp_path / "none.log", NOW) == 0


async def test_run_purges_at_once_and_then_daily(tmp_path: Path):
    with Store(tmp_path / "t.db") as store:
        for n in range(5):
            store.add_call(call(n))
        sleeps: list[float] = []

        async def sleep(seconds: float) -> None:
            sleeps.append(seconds)
            if len(sleeps) == 2:
                raise asyncio.CancelledError
            store.add_call(call(10 + len(sleeps)))  # a day passes, a call is made

        keeper = Retention(Journal(store, None, lambda e: None), 2, 0, sleep=sleep)
        with pytest.raises(asyncio.CancelledError):
            await keeper.run()
        assert sleeps == [DAY_S, DAY_S]
        assert [h.call_id for h in store.history()] == ["c11", "c4"]


async def test_trace_records_wait_while_the_file_is_rewritten(tmp_path: Path):
    path = tmp_path / "sip-trace.log"
    with Store(tmp_path / "t.db") as store:
        journal = Journal(store, path, lambda e: None)
        append_record(path, trace(NOW - 3 * DAY_S, 1))
        async with journal.trace_held():
            journal.on_event(SipTrace(trace(NOW, 2)))
            assert "CSeq: 2" not in path.read_text()  # held, not written under the rewrite
            assert drop_older(path, NOW - DAY_S) > 0
        assert "CSeq: 2 OPTIONS" in path.read_text()
        assert "CSeq: 1" not in path.read_text()


async def test_a_phone_purges_when_it_starts(tmp_path: Path):
    db = tmp_path / "t.db"
    trace_file = tmp_path / "sip-trace.log"
    append_record(trace_file, trace(NOW - 3 * DAY_S, 1))
    with Store(db) as store:
        store.add_call(dataclasses.replace(call(1), started=NOW - 3 * DAY_S))
        for n in range(2, 6):
            store.add_call(dataclasses.replace(call(n), started=NOW - 3600 + n))
        store.add_message(message(1, ts=NOW - 3 * DAY_S))
        store.add_message(message(2, ts=NOW - 60))
    setup = EngineSetup(accounts=(AccountConfig("me", "sip:me@127.0.0.1"),), db_path=db,
                        trace_file=trace_file, history_limit=3, retention_days=1,
                        echo_line=False)
    phone = Phone(setup, FakeBackend())
    await phone.start()
    try:
        await asyncio.wait_for(phone.retention.purged.wait(), 10)
        assert [h.call_id for h in await phone.history(limit=100)] == ["c5", "c4", "c3"]
        assert [m.id for m in await phone.messages(limit=100)] == ["m2"]
        assert "CSeq: 1" not in trace_file.read_text()
    finally:
        await phone.stop()


def test_history_limit_zero_keeps_no_call(tmp_path: Path):
    with Store(tmp_path / "t.db") as store:
        Journal(store, None, lambda e: None, history_limit=0).record_history(call(1))
        Journal(store, None, lambda e: None, history_limit=5).record_history(call(2))
        assert [h.call_id for h in store.history()] == ["c2"]


def _with(peer: str, n: int) -> TraceEntry:
    return TraceEntry(NOW + n, "tx", "UDP", "192.0.2.9:5060",
                      f"INVITE {peer} SIP/2.0\r\nFrom: <sip:me@127.0.0.1>;tag={n}\r\n"
                      f"To: <{peer}>\r\nCSeq: {n} INVITE\r\n\r\n")


async def test_a_phone_forgets_a_peer_in_its_ring_and_its_log(tmp_path: Path):
    """``data erase --peer`` with an engine running: the peer's messages leave the trace
    ring and the trace log, also those that arrived while another rewrite (retention)
    held the log: the second rewrite waits for the first."""
    trace_file = tmp_path / "sip-trace.log"
    for n, peer in enumerate(("sip:bob@h", "sip:carol@h", "sip:bob@h:5060")):
        append_record(trace_file, _with(peer, n))
    me = AccountConfig("me", "sip:me@127.0.0.1", features=Features(sip_trace_log=True))
    setup = EngineSetup(accounts=(me,), db_path=tmp_path / "t.db", trace_file=trace_file,
                        echo_line=False)
    phone = Phone(setup, FakeBackend())
    await phone.start()
    try:
        phone.live.trace.extend([_with("sip:bob@h", 5), _with("sip:carol@h", 6)])
        async with phone.journal.trace_held():  # as if retention were rewriting
            phone.journal.on_event(SipTrace(_with("sip:bob@h", 7)))
            phone.journal.on_event(SipTrace(_with("sip:carol@h", 8)))
            forgetting = asyncio.ensure_future(phone.forget_peer("sip:bob@H"))
            await asyncio.sleep(0)
            assert not forgetting.done()  # it waits for the first rewrite to end
        assert await forgetting == 1 + 3  # the ring's, then the file's (the held one too)
        assert [e.text.split()[1] for e in await phone.trace()] == ["sip:carol@h"]
        text = trace_file.read_text()
        assert "bob" not in text
        assert text.count("INVITE sip:carol@h") == 2
    finally:
        await phone.stop()
