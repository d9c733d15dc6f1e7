"""Chat queries. Functions take an open connection; the Store serialises them."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from tuiphone.model.message import Delivery, Message
from tuiphone.store.rows import MESSAGE_COLUMNS, message_from_row, message_params


@dataclass(frozen=True, slots=True)
class ChatThread:
    """One conversation: the peer, its newest message, how many incoming are unread."""

    peer: str
    last_message: Message
    unread: int


def insert_message(conn: sqlite3.Connection, message: Message) -> bool:
    """Insert unless a message with this id exists; returns whether it was new."""
    cur = conn.execute(
        f"INSERT INTO messages ({MESSAGE_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (id) DO NOTHING",
        message_params(message),
    )
    return cur.rowcount == 1


def set_delivery(
    conn: sqlite3.Connection, message_id: str, delivery: Delivery, code: int, reason: str
) -> Message | None:
    """Update and return the message, or None if there is no such id."""
    conn.execute(
        "UPDATE messages SET delivery = ?, code = ?, reason = ? WHERE id = ?",
        (delivery.value, code, reason, message_id),
    )
    row = conn.execute("SELECT * FROM messages WHERE id = ?", (message_id,)).fetchone()
    return None if row is None else message_from_row(row)


def select_messages(conn: sqlite3.Connection, peer: str | None, limit: int) -> list[Message]:
    """The newest ``limit`` messages (of one peer, or all), returned oldest first."""
    clause, args = ("WHERE peer = ?", (peer,)) if peer is not None else ("", ())
    rows = conn.execute(
        f"SELECT * FROM messages {clause} ORDER BY timestamp DESC, seq DESC LIMIT ?",
        (*args, limit),
    ).fetchall()
    return [message_from_row(row) for row in reversed(rows)]


# Per peer, one index probe for the newest message and one for the unread count;
# a window function over the whole table was ~100x slower at 20k messages.
_THREADS = """
SELECT m.*,
       (SELECT COUNT(*) FROM messages u WHERE u.peer = m.peer AND u.read = 0) AS unread
FROM (SELECT DISTINCT peer FROM messages) AS p
JOIN messages AS m ON m.seq = (
    SELECT x.seq FROM messages AS x WHERE x.peer = p.peer
    ORDER BY x.timestamp DESC, x.seq DESC LIMIT 1
)
ORDER BY m.timestamp DESC, m.seq DESC
"""


def select_threads(conn: sqlite3.Connection) -> list[ChatThread]:
    """Every peer with messages, the most recently active first."""
    return [
        ChatThread(peer=row["peer"], last_message=message_from_row(row), unread=row["unread"])
        for row in conn.execute(_THREADS)
    ]


def mark_read(conn: sqlite3.Connection, peer: str) -> int:
    """Mark every message of ``peer`` read; returns how many were unread."""
    return conn.execute(
        "UPDATE messages SET read = 1 WHERE peer = ? AND read = 0", (peer,)
    ).rowcount
