"""Call history queries. Functions take an open connection; the Store serialises them."""

from __future__ import annotations

import sqlite3

from tuiphone.model.call import Direction, HistoryEntry
from tuiphone.model.trust import Vouch
from tuiphone.store.rows import CALL_COLUMNS, CALL_MARKS, call_params, entry_from_row


def insert_call(conn: sqlite3.Connection, entry: HistoryEntry) -> None:
    conn.execute(
        f"INSERT INTO calls ({CALL_COLUMNS}) VALUES ({CALL_MARKS})",
        call_params(entry),
    )


def select_history(
    conn: sqlite3.Connection,
    limit: int,
    offset: int,
    peer: str | None,
    direction: Direction | None,
    identity: Vouch | None = None,
) -> list[HistoryEntry]:
    """Newest first; ``peer`` matches ``remote_uri`` exactly."""
    where, args = [], []
    if peer is not None:
        where.append("remote_uri = ?")
        args.append(peer)
    if direction is not None:
        where.append("direction = ?")
        args.append(direction.value)
    if identity is not None:
        where.append("identity = ?")
        args.append(identity.value)
    clause = f"WHERE {' AND '.join(where)}" if where else ""
    rows = conn.execute(
        f"SELECT * FROM calls {clause} ORDER BY started DESC, seq DESC LIMIT ? OFFSET ?",
        (*args, limit, offset),
    )
    return [entry_from_row(row) for row in rows]
