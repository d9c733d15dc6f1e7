"""history_limit and retention_days in the database: rows go, the file stops growing."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from tests.store.conftest import call, message
from tuiphone.model.message import Delivery
from tuiphone.store import Store
from tuiphone.store.attachments import Attachment


def test_history_limit_keeps_the_newest_calls(store: Store):
    for n in range(30):
        store.add_call(call(n), keep=10)
    assert [h.call_id for h in store.history(limit=100)] == [f"c{n}" for n in range(29, 19, -1)]


def test_history_limit_zero_keeps_no_calls(store: Store):
    store.add_call(call(1), keep=0)
    assert store.history() == []


def test_purge_by_age_takes_calls_messages_and_their_attachments(store: Store):
    for n in range(10):  # started 1000 + n*100
        store.add_call(call(n))
    store.add_message(message(1, ts=1100.0))
    store.add_message(message(2, ts=5000.0))
    store.add_attachment(Attachment(message_id="m1", filename="old.png"))
    purged = store.purge(keep_calls=None, before=1500.0)
    assert (purged.calls, purged.messages) == (5, 1)
    assert [h.call_id for h in store.history(limit=100)][-1] == "c5"
    assert [m.id for m in store.messages()] == ["m2"]
    assert store.attachments("m1") == []


def test_purge_without_limits_keeps_everything(store: Store):
    for n in range(5):
        store.add_call(call(n))
    assert store.purge(keep_calls=None, before=None).total == 0
    assert len(store.history(limit=100)) == 5


def test_the_file_stops_growing_under_a_limit(db_path: Path):
    def pages() -> int:  # the database's size as SQLite counts it (WAL included)
        with closing(sqlite3.connect(db_path)) as conn:
            return int(conn.execute("PRAGMA page_count").fetchone()[0])

    with Store(db_path) as store:
        sizes = []
        for start in (0, 1500, 3000):
            for n in range(start, start + 1500):
                store.add_call(call(n), keep=100)
            sizes.append(pages())
    assert sizes[1] <= sizes[0] + 2  # freed pages are used again
    assert sizes[2] <= sizes[0] + 2


def test_purge_by_age_never_takes_the_outbox(store: Store):
    store.add_message(message(1, direction="out", ts=1100.0))  # queued
    store.add_message(message(2, direction="out", ts=1200.0))
    assert store.take_for_sending("m2")
    store.add_message(message(3, direction="out", ts=1300.0))
    store.update_delivery("m3", Delivery.FAILED, 404, "Not Found")
    assert store.purge(keep_calls=None, before=5000.0).messages == 1
    assert [m.id for m in store.pending_messages()] == ["m1", "m2"]
