"""Export and erase: the user's right to see and delete everything kept about them."""

from __future__ import annotations

import sqlite3
from typing import Any

from tuiphone.model.message import peer_key
from tuiphone.store.messages import forget_all, forget_deleted
from tuiphone.store.migrations import schema_version
from tuiphone.store.rows import plain_rows

EXPORT_FORMAT = "tuiphone-export"
TABLES = ("attachments", "part_receipts", "messages", "calls", "counters", "location_uses",
          "incoming_parts")  # children first


def export_rows(conn: sqlite3.Connection) -> dict[str, Any]:
    """Every row of every table as plain JSON-serialisable values."""
    counters = plain_rows(conn.execute("SELECT name, value FROM counters ORDER BY name"))
    return {
        "format": EXPORT_FORMAT,
        "schema": schema_version(conn),
        "calls": plain_rows(conn.execute("SELECT * FROM calls ORDER BY started, seq")),
        "messages": plain_rows(
            conn.execute("SELECT * FROM messages ORDER BY timestamp, seq"), ("truncated", "read")
        ),
        "attachments": plain_rows(conn.execute("SELECT * FROM attachments ORDER BY id")),
        "counters": {c["name"]: c["value"] for c in counters},
        "location_uses": plain_rows(conn.execute("SELECT * FROM location_uses ORDER BY seq")),
        "incoming_parts": plain_rows(conn.execute(
            "SELECT * FROM incoming_parts ORDER BY timestamp, idx"), ("truncated",)),
        "part_receipts": plain_rows(conn.execute(
            "SELECT * FROM part_receipts ORDER BY message_id, idx")),
    }


def row_counts(conn: sqlite3.Connection) -> dict[str, int]:
    """How many rows each table keeps (``data show``)."""
    return {table: int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
            for table in TABLES}


def delete_all(conn: sqlite3.Connection) -> int:
    """Delete every row (and the search index); returns how many."""
    deleted = sum(conn.execute(f"DELETE FROM {table}").rowcount for table in TABLES)
    forget_all(conn)
    return deleted


def delete_peer(conn: sqlite3.Connection, peer: str) -> int:
    """Delete the calls with one peer and its whole chat thread (every spelling of its
    URI, see ``peer_key``, with the attachments); returns how many rows."""
    calls = conn.execute("DELETE FROM calls WHERE remote_uri = ?", (peer,)).rowcount
    messages = conn.execute("DELETE FROM messages WHERE thread = ?", (peer_key(peer),)).rowcount
    waiting = conn.execute("DELETE FROM incoming_parts WHERE thread = ?",
                           (peer_key(peer),)).rowcount
    forget_deleted(conn, messages)
    return calls + messages + waiting


def compact(conn: sqlite3.Connection) -> None:
    """Rebuild the file and empty the WAL so erased data is gone from disk, not just unlinked.

    Must run outside a transaction.
    """
    conn.execute("VACUUM")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
