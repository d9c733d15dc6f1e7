"""Database trouble becomes a StoreError with an actionable message; nothing committed is lost."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from dataclasses import replace
from pathlib import Path

import pytest

from tests.store.conftest import call, message
from tuiphone.store import Store, StoreError
from tuiphone.store.errors import SQLITE_FULL, SQLITE_READONLY, store_error


def _fill_until_full(store: Store) -> StoreError:
    big = "x" * 2000
    for n in range(10_000):
        try:
            store.add_message(replace(message(n), body=big))
        except StoreError as err:
            return err
    raise AssertionError("the size limit was never reached")


def _page_count(path: Path) -> int:
    with closing(sqlite3.connect(path)) as conn:
        return int(conn.execute("PRAGMA page_count").fetchone()[0])


def test_full_disk_keeps_what_was_committed(db_path: Path, store: Store) -> None:
    store.add_call(call(1))
    store.close()
    full = Store(db_path, max_pages=_page_count(db_path) + 4)
    err = _fill_until_full(full)
    assert err.code == SQLITE_FULL
    assert "is full" in str(err)
    assert "not saved" in str(err)
    saved = len(full.messages(limit=10_000))
    assert full.history() == [call(1)]
    full.close()
    with Store(db_path) as roomy:  # space freed: everything committed is there, writes work
        assert len(roomy.messages(limit=10_000)) == saved
        roomy.add_call(call(2))
        assert [e.call_id for e in roomy.history()] == ["c2", "c1"]


def test_failed_write_rolls_back_whole(db_path: Path, store: Store) -> None:
    store.close()
    full = Store(db_path, max_pages=_page_count(db_path) + 2)
    with pytest.raises(StoreError):
        full.add_message(replace(message(1), body="y" * 50_000))
    assert full.messages() == []
    full.close()


def test_not_a_database(db_path: Path) -> None:
    db_path.parent.mkdir(parents=True)
    db_path.write_bytes(b"this is a shopping list, not SQLite\n" * 200)
    with pytest.raises(StoreError, match="damaged or is not a tuiphone database"):
        Store(db_path)


def test_damaged_database(db_path: Path, store: Store) -> None:
    for n in range(50):
        store.add_call(call(n))
    store.close()
    data = bytearray(db_path.read_bytes())
    page = 4096
    data[page:] = b"\xa5" * (len(data) - page)  # keep the header, wreck every other page
    db_path.write_bytes(bytes(data))
    with pytest.raises(StoreError, match="damaged") as info, Store(db_path) as damaged:
        damaged.history()
    assert str(db_path) in str(info.value)


def test_path_is_a_directory(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="cannot"):
        Store(tmp_path)


def test_parent_is_a_file(tmp_path: Path) -> None:
    (tmp_path / "blocker").write_text("")
    with pytest.raises(StoreError, match="cannot create"):
        Store(tmp_path / "blocker" / "tuiphone.db")


def test_read_only_database_message(tmp_path: Path) -> None:
    with closing(sqlite3.connect(tmp_path / "ro.db", isolation_level=None)) as conn:
        conn.execute("CREATE TABLE t (a)")
        conn.execute("PRAGMA query_only = 1")
        with pytest.raises(sqlite3.OperationalError) as info:
            conn.execute("INSERT INTO t VALUES (1)")
    err = store_error(info.value, "/x/tuiphone.db")
    assert err.code == SQLITE_READONLY
    assert (
        str(err)
        == "/x/tuiphone.db is read-only; check the permissions of the file and its directory"
    )


def test_closed_store(store: Store) -> None:
    store.close()
    store.close()  # idempotent
    with pytest.raises(StoreError, match="closed"):
        store.history()


def test_memory_database_works() -> None:
    with Store(":memory:") as mem:
        mem.add_call(call(1))
        assert mem.history() == [call(1)]
