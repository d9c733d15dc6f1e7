"""Opening the file: location, permissions, pragmas, numbered migrations."""

from __future__ import annotations

import sqlite3
import stat
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

import pytest

from tuiphone.model.message import Delivery, Message
from tuiphone.store import Store, StoreError, default_db_path
from tuiphone.store.connection import BUSY_TIMEOUT_MS
from tuiphone.store.migrations import MIGRATIONS, V4_CALLER_IDENTITY, migrate, schema_version


@contextmanager
def _raw(path: Path) -> Iterator[sqlite3.Connection]:
    with closing(sqlite3.connect(path, isolation_level=None)) as conn:
        yield conn


def test_default_path_follows_xdg_data_home(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "share"))
    assert default_db_path() == tmp_path / "share" / "tuiphone" / "tuiphone.db"
    assert not (tmp_path / "share").exists()  # nothing created by asking


def test_new_database_is_private(db_path: Path, store: Store) -> None:
    assert stat.S_IMODE(db_path.stat().st_mode) == 0o600
    assert stat.S_IMODE(db_path.parent.stat().st_mode) == 0o700


def test_pragmas(store: Store) -> None:
    # journal_mode is a property of the file; the others are per connection.
    pragmas = store._read(  # the store's own connection's settings are what matter
        lambda conn: {
            name: conn.execute(f"PRAGMA {name}").fetchone()[0]
            for name in ("journal_mode", "synchronous", "foreign_keys", "busy_timeout")
        }
    )
    assert pragmas == {
        "journal_mode": "wal",
        "synchronous": 1,
        "foreign_keys": 1,
        "busy_timeout": BUSY_TIMEOUT_MS,
    }


def test_new_database_is_at_the_latest_version(db_path: Path, store: Store) -> None:
    store.close()
    with _raw(db_path) as conn:
        assert schema_version(conn) == len(MIGRATIONS)
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"calls", "messages", "attachments", "counters"} <= tables


def test_reopening_does_not_rerun_migrations(db_path: Path, store: Store) -> None:
    store.bump_counter("kept")
    store.close()
    with Store(db_path) as again:
        assert again.counters() == {"kept": 1}


def test_database_from_the_future_is_refused(db_path: Path, store: Store) -> None:
    store.close()
    with _raw(db_path) as conn:
        conn.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 3}")
    with pytest.raises(StoreError, match="created by a newer tuiphone") as info:
        Store(db_path)
    assert str(db_path) in str(info.value)


def test_migrations_apply_in_order_from_any_version(tmp_path: Path) -> None:
    steps = [
        "CREATE TABLE t (a INTEGER)",
        "ALTER TABLE t ADD COLUMN b TEXT",
        "INSERT INTO t VALUES (1, 'x')",
    ]
    with _raw(tmp_path / "m.db") as conn:
        _check_ordered(conn, steps)


def _check_ordered(conn: sqlite3.Connection, steps: list[str]) -> None:
    assert migrate(conn, "m.db", steps[:1]) == 1
    assert migrate(conn, "m.db", steps) == 3
    assert conn.execute("SELECT a, b FROM t").fetchall() == [(1, "x")]
    assert migrate(conn, "m.db", steps) == 3  # nothing left to do: no second row
    assert conn.execute("SELECT COUNT(*) FROM t").fetchone()[0] == 1


def test_failed_migration_leaves_the_previous_version(tmp_path: Path) -> None:
    good = "CREATE TABLE t (a INTEGER)"
    bad = "CREATE TABLE u (a INTEGER); INSERT INTO nowhere VALUES (1)"
    with _raw(tmp_path / "m.db") as conn:
        with pytest.raises(sqlite3.OperationalError, match="nowhere"):
            migrate(conn, "m.db", [good, bad])
        assert schema_version(conn) == 1
        assert not conn.in_transaction
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert tables == {"t"}  # table u was rolled back with the failed step


def test_version_1_database_gains_message_bytes(db_path: Path) -> None:
    """A file from before V2 keeps its messages; they read back with no bytes kept."""
    db_path.parent.mkdir(parents=True)
    with _raw(db_path) as conn:
        assert migrate(conn, str(db_path), MIGRATIONS[:1]) == 1
        conn.execute(
            "INSERT INTO messages (id, account_id, direction, peer, body, content_type,"
            " timestamp, delivery) VALUES ('m1', 'a', 'in', 'sip:x@y', 'hi', 'text/plain',"
            " 1.0, 'received')"
        )
    with Store(db_path) as store:
        (msg,) = store.messages()
    assert (msg.body, msg.raw) == ("hi", b"")


def test_version_2_database_gains_the_outbox(db_path: Path) -> None:
    """V3 rebuilds messages: rows and their attachments survive, an old 'pending' (its
    outcome lost with its process) becomes failed rather than being sent again."""
    db_path.parent.mkdir(parents=True)
    with _raw(db_path) as conn:
        conn.execute("PRAGMA foreign_keys = ON")
        assert migrate(conn, str(db_path), MIGRATIONS[:2]) == 2
        for mid, delivery in (("m1", "pending"), ("m2", "sent")):
            conn.execute(
                "INSERT INTO messages (id, account_id, direction, peer, body, content_type,"
                " timestamp, delivery) VALUES (?, 'a', 'out', 'sip:x@y', 'hi', 'text/plain',"
                " 1.0, ?)", (mid, delivery))
        conn.execute("INSERT INTO attachments (message_id, filename) VALUES ('m2', 'a.txt')")
    with Store(db_path) as store:
        old, sent = store.messages()
        assert (old.delivery, old.reason) == (Delivery.FAILED,
                                              "outcome unknown (sent before the outbox)")
        assert sent.delivery is Delivery.SENT
        assert [a.filename for a in store.attachments("m2")] == ["a.txt"]
        assert store.pending_messages() == []
        store.erase_peer("sip:x@y")
        assert store.attachments("m2") == []


def test_version_4_database_gains_threads_and_a_filled_search_index(db_path: Path) -> None:
    """V5 files every old row under its normalised peer and indexes its text: a history
    written before full-text search is searchable and threaded at once."""
    db_path.parent.mkdir(parents=True)
    v4 = MIGRATIONS.index(V4_CALLER_IDENTITY) + 1
    with _raw(db_path) as conn:
        assert migrate(conn, str(db_path), MIGRATIONS[:v4]) == v4
        for n, (peer, body, read) in enumerate((
                ("sip:alice@example.com", "see you at the station", 0),
                ("<sip:alice@example.com;transport=tcp>", "which station?", 0),
                ('"Bob" <sip:bob@example.com>', "station wagon for sale", 1))):
            conn.execute(
                "INSERT INTO messages (id, account_id, direction, peer, body, content_type,"
                " timestamp, delivery, read) VALUES (?, 'a', 'in', ?, ?, 'text/plain', ?,"
                " 'received', ?)", (f"m{n}", peer, body, float(n), read))
    with Store(db_path) as store:
        assert [m.id for m in store.search_messages("station")] == ["m2", "m1", "m0"]
        assert [m.id for m in store.search_messages("station", "sip:alice@example.com")
                ] == ["m1", "m0"]
        assert [(t.key, t.unread) for t in store.threads()] == [
            ("bob@example.com", 0), ("alice@example.com", 2)]
        store.add_message(Message("m9", "a", "in", "sip:alice@example.com", "new station",
                                  "text/plain", 9.0, Delivery.RECEIVED))
        assert [m.id for m in store.search_messages("station")][0] == "m9"
