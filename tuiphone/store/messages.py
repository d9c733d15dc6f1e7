"""Chat queries. Functions take an open connection; the Store serialises them."""

from __future__ import annotations

import sqlite3
from collections.abc import Collection
from dataclasses import dataclass

from tuiphone.model.message import Delivery, Message
from tuiphone.store.rows import MESSAGE_COLUMNS, message_from_row, message_params

_WIDTH = len(MESSAGE_COLUMNS.split(","))


@dataclass(frozen=True, slots=True)
class ChatThread:
    """One conversation: the peer, its newest message, how many incoming are unread."""

    peer: str
    last_message: Message
    unread: int


def insert_message(conn: sqlite3.Connection, message: Message) -> bool:
    """Insert unless a message with this id exists; returns whether it was new."""
    cur = conn.execute(
        f"INSERT INTO messages ({MESSAGE_COLUMNS}) VALUES ({', '.join('?' * _WIDTH)})"
        " ON CONFLICT (id) DO NOTHING",
        message_params(message),
    )
    return cur.rowcount == 1


def complete_message(conn: sqlite3.Connection, message: Message) -> bool:
    """Replace a stored truncated message (a long text whose parts did not all arrive in
    time) by the whole ``message`` of the same id; returns whether one was replaced."""
    return conn.execute(
        "UPDATE messages SET body = ?, raw = ?, truncated = 0, imdn_id = ?"
        " WHERE id = ? AND truncated = 1",
        (message.body, message.raw, message.imdn_id, message.id),
    ).rowcount == 1


def select_message(conn: sqlite3.Connection, message_id: str) -> Message | None:
    row = conn.execute("SELECT * FROM messages WHERE id = ?", (message_id,)).fetchone()
    return None if row is None else message_from_row(row)


def set_delivery(
    conn: sqlite3.Connection, message_id: str, delivery: Delivery, code: int, reason: str
) -> Message | None:
    """Update and return the message, or None if there is no such id."""
    # a receipt may overtake the 2xx: SENT never undoes DELIVERED or DISPLAYED
    conn.execute(
        "UPDATE messages SET delivery = ?, code = ?, reason = ? WHERE id = ?"
        " AND NOT (? = 'sent' AND delivery IN ('delivered', 'displayed'))",
        (delivery.value, code, reason, message_id, delivery.value),
    )
    row = conn.execute("SELECT * FROM messages WHERE id = ?", (message_id,)).fetchone()
    return None if row is None else message_from_row(row)


def set_sending(conn: sqlite3.Connection, message_id: str) -> bool:
    """QUEUED → SENDING, one more attempt; False when it was not queued (already taken)."""
    return conn.execute(
        "UPDATE messages SET delivery = 'sending', attempts = attempts + 1"
        " WHERE id = ? AND delivery = 'queued'",
        (message_id,),
    ).rowcount == 1


def requeue(conn: sqlite3.Connection, message_id: str, next_try: float, code: int,
            reason: str) -> Message | None:
    """SENDING → QUEUED until ``next_try``, keeping the cause; the message, or None."""
    conn.execute(
        "UPDATE messages SET delivery = 'queued', next_try = ?, code = ?, reason = ?"
        " WHERE id = ? AND delivery IN ('queued', 'sending')",
        (next_try, code, reason, message_id),
    )
    row = conn.execute("SELECT * FROM messages WHERE id = ?", (message_id,)).fetchone()
    return None if row is None else message_from_row(row)


def select_due(conn: sqlite3.Connection, now: float, accounts: Collection[str], limit: int
               ) -> list[Message]:
    """Queued messages of ``accounts`` whose retry time has come, oldest first."""
    marks = ", ".join("?" * len(accounts))
    rows = conn.execute(
        f"SELECT * FROM messages WHERE delivery = 'queued' AND next_try <= ?"
        f" AND account_id IN ({marks}) ORDER BY timestamp, seq LIMIT ?",
        (now, *accounts, limit),
    ).fetchall()
    return [message_from_row(row) for row in rows]


def select_expired(conn: sqlite3.Connection, before: float, limit: int) -> list[Message]:
    """Queued messages written before ``before``."""
    rows = conn.execute(
        "SELECT * FROM messages WHERE delivery = 'queued' AND timestamp < ?"
        " ORDER BY timestamp, seq LIMIT ?",
        (before, limit),
    ).fetchall()
    return [message_from_row(row) for row in rows]


def next_due(conn: sqlite3.Connection) -> float | None:
    """When the earliest queued message may be tried again (None: the queue is empty)."""
    row = conn.execute(
        "SELECT MIN(next_try) FROM messages WHERE delivery = 'queued'"
    ).fetchone()
    return None if row[0] is None else float(row[0])


def recover_sending(conn: sqlite3.Connection) -> int:
    """Back to QUEUED every message a previous process left SENDING (its outcome died
    with it); returns how many. They are sent again: at least once, never lost."""
    return conn.execute(
        "UPDATE messages SET delivery = 'queued', next_try = 0 WHERE delivery = 'sending'"
    ).rowcount


def select_pending(conn: sqlite3.Connection, peer: str | None, limit: int) -> list[Message]:
    """The outbox (queued and sending), of one peer or all, oldest first."""
    clause, args = ("AND peer = ?", (peer,)) if peer is not None else ("", ())
    rows = conn.execute(
        f"SELECT * FROM messages WHERE delivery IN ('queued', 'sending') {clause}"
        " ORDER BY timestamp, seq LIMIT ?",
        (*args, limit),
    ).fetchall()
    return [message_from_row(row) for row in rows]


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


def read_thread(conn: sqlite3.Connection, peer: str) -> list[Message]:
    """Mark every message of ``peer`` read; returns the incoming ones that were unread
    and asked for a display notification."""
    rows = conn.execute(
        "SELECT * FROM messages WHERE peer = ? AND read = 0 AND direction = 'in'"
        " AND notify <> '' ORDER BY timestamp, seq", (peer,)
    ).fetchall()
    conn.execute("UPDATE messages SET read = 1 WHERE peer = ? AND read = 0", (peer,))
    return [message_from_row(row) for row in rows]


def mark_read(conn: sqlite3.Connection, peer: str) -> int:
    """Mark every message of ``peer`` read; returns how many were unread."""
    return conn.execute(
        "UPDATE messages SET read = 1 WHERE peer = ? AND read = 0", (peer,)
    ).rowcount
