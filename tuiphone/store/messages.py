"""Chat queries. Functions take an open connection; the Store serialises them."""

from __future__ import annotations

import dataclasses
import re
import sqlite3
from collections.abc import Collection

from tuiphone.model.errors import NotFound, UsageError
from tuiphone.model.message import ChatThread, Delivery, Message, ThreadRead, peer_key
from tuiphone.store.rows import MESSAGE_COLUMNS, message_from_row, message_params

_WIDTH = len(MESSAGE_COLUMNS.split(","))
Peers = str | tuple[str, ...]  # one peer (any spelling), or the thread keys of a contact


def _thread_is(peer: Peers, column: str = "thread") -> tuple[str, list[str]]:
    """The WHERE condition for one thread or several (a contact's, see chat_groups)."""
    keys = [peer_key(peer)] if isinstance(peer, str) else [peer_key(p) for p in peer]
    if len(keys) == 1:
        return f"{column} = ?", keys
    return f"{column} IN ({', '.join('?' * len(keys))})", keys


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
    """The outbox (queued and sending), of one thread or all, oldest first."""
    clause, args = ("AND thread = ?", (peer_key(peer),)) if peer is not None else ("", ())
    rows = conn.execute(
        f"SELECT * FROM messages WHERE delivery IN ('queued', 'sending') {clause}"
        " ORDER BY timestamp, seq LIMIT ?",
        (*args, limit),
    ).fetchall()
    return [message_from_row(row) for row in rows]


def select_messages(conn: sqlite3.Connection, peer: Peers | None, limit: int,
                    before: str | None = None, after: str | None = None) -> list[Message]:
    """One page of a thread (``peer`` in any spelling, see ``peer_key``) or of all
    messages, oldest first: the newest ``limit``, or the ``limit`` just before or just
    after the message with id ``before``/``after``. Keyset paging on the (thread,
    timestamp, seq) index: a page costs the same at the start of 100k messages as at the
    end. Raises NotFound for an unknown cursor id."""
    where: list[str] = []
    args: list[object] = []
    if peer is not None:
        cond, keys = _thread_is(peer)
        where, args = [cond], [*keys]
    order = "DESC"
    cursor = before if before is not None else after
    if cursor is not None:
        row = conn.execute("SELECT timestamp, seq FROM messages WHERE id = ?",
                           (cursor,)).fetchone()
        if row is None:
            raise NotFound(f"no stored message with id {cursor!r}")
        where.append("(timestamp, seq) < (?, ?)" if before is not None
                     else "(timestamp, seq) > (?, ?)")
        args += [row[0], row[1]]
        order = "DESC" if before is not None else "ASC"
    clause = f"WHERE {' AND '.join(where)}" if where else ""
    rows = conn.execute(
        f"SELECT * FROM messages {clause} ORDER BY timestamp {order}, seq {order} LIMIT ?",
        (*args, limit),
    ).fetchall()
    found = [message_from_row(row) for row in rows]
    return found if order == "ASC" else found[::-1]


def select_around(conn: sqlite3.Connection, message_id: str, limit: int,
                  peers: tuple[str, ...] = ()) -> list[Message]:
    """A page of the message's thread (or of ``peers``' threads) centred on it, oldest
    first. Raises NotFound."""
    row = conn.execute("SELECT * FROM messages WHERE id = ?", (message_id,)).fetchone()
    if row is None:
        raise NotFound(f"no stored message with id {message_id!r}")
    middle = message_from_row(row)
    thread: Peers = peers or middle.peer
    older = select_messages(conn, thread, max(limit - 1, 0) // 2, before=message_id)
    newer = select_messages(conn, thread, max(limit - 1 - len(older), 0), after=message_id)
    return [*older, middle, *newer]


# Per thread, one index probe for the newest message and one for the unread count;
# a window function over the whole table was ~100x slower at 20k messages.
_THREADS = """
SELECT m.*,
       (SELECT COUNT(*) FROM messages u WHERE u.thread = m.thread AND u.read = 0) AS unread
FROM (SELECT DISTINCT thread FROM messages) AS p
JOIN messages AS m ON m.seq = (
    SELECT x.seq FROM messages AS x WHERE x.thread = p.thread
    ORDER BY x.timestamp DESC, x.seq DESC LIMIT 1
)
ORDER BY m.timestamp DESC, m.seq DESC
"""


def select_threads(conn: sqlite3.Connection) -> list[ChatThread]:
    """Every thread over the whole history, the most recently active first."""
    return [
        ChatThread(key=row["thread"], peer=row["peer"], last_message=message_from_row(row),
                   unread=row["unread"])
        for row in conn.execute(_THREADS)
    ]


def mark_read(conn: sqlite3.Connection, peer: Peers) -> ThreadRead:
    """Mark every message of the thread of ``peer`` (any spelling of its URI, or a
    contact's thread keys) read; returns how many were unread and the incoming ones among
    them that asked for a display notification (IMDN), oldest first."""
    cond, keys = _thread_is(peer)
    rows = conn.execute(
        f"SELECT * FROM messages WHERE {cond} AND read = 0 AND direction = 'in'"
        " AND notify <> '' ORDER BY timestamp, seq", keys
    ).fetchall()
    unread = conn.execute(
        f"UPDATE messages SET read = 1 WHERE {cond} AND read = 0", keys
    ).rowcount
    return ThreadRead(unread, tuple(message_from_row(row) for row in rows))


def requeue_failed(conn: sqlite3.Connection, message_id: str, now: float) -> Message:
    """A FAILED outgoing message back in the outbox as if written ``now`` (so the outbox's
    age limit counts from the resend): QUEUED, due at once, no attempts, no cause.
    Raises NotFound, UsageError for a message that is not an outgoing failed one."""
    row = conn.execute("SELECT * FROM messages WHERE id = ?", (message_id,)).fetchone()
    if row is None:
        raise NotFound(f"no stored message with id {message_id!r}")
    old = message_from_row(row)
    if old.direction != "out" or old.delivery is not Delivery.FAILED:
        what = "an incoming message" if old.direction != "out" else old.delivery.value
        raise UsageError(f"message {message_id} is {what}; only a failed outgoing message "
                         "can be sent again")
    conn.execute(
        "UPDATE messages SET delivery = 'queued', next_try = 0, attempts = 0, code = 0,"
        " reason = '', timestamp = ? WHERE id = ?", (now, message_id))
    return dataclasses.replace(old, delivery=Delivery.QUEUED, attempts=0, code=0, reason="",
                               timestamp=now)


def search(conn: sqlite3.Connection, text: str, peer: Peers | None, limit: int
           ) -> list[Message]:
    """Messages whose body holds every word of ``text`` (see ``fts_query``), in one
    thread or all, the most recently stored first. Raises UsageError for a query with
    no words or one the index refuses."""
    query = fts_query(text)
    clause, args = "", list[str]()
    if peer is not None:
        cond, args = _thread_is(peer, "m.thread")
        clause = f"AND {cond}"
    try:
        rows = conn.execute(
            "SELECT m.* FROM messages_fts AS f JOIN messages AS m ON m.seq = f.rowid"
            f" WHERE messages_fts MATCH ? {clause} ORDER BY f.rowid DESC LIMIT ?",
            (query, *args, limit),
        ).fetchall()
    except sqlite3.OperationalError as err:
        if "fts5" not in str(err) and "syntax" not in str(err):
            raise
        raise UsageError(f"cannot search for {text!r}: {err}") from None
    return [message_from_row(row) for row in rows]


_WORD = re.compile(r"\S+")


def fts_query(text: str) -> str:
    """The FTS5 query for what a user typed: each word a quoted phrase, all of them
    required, so quotes, brackets, '-', ':', AND/OR/NOT/NEAR are matched as text and
    never parsed as query syntax. A word ending in '*' matches as a prefix ('hel*').
    Raises UsageError when nothing is left to search for."""
    terms = []
    for word in _WORD.findall(text):
        prefix = word.endswith("*") and len(word.rstrip("*")) > 0
        core = word.rstrip("*") if prefix else word
        if not any(ch.isalnum() for ch in core):
            continue  # punctuation only: the tokenizer would drop it anyway
        terms.append('"' + core.replace('"', '""') + '"' + ("*" if prefix else ""))
    if not terms:
        raise UsageError(f"nothing to search for in {text!r}: give at least one word")
    return " ".join(terms)


def forget_deleted(conn: sqlite3.Connection, deleted: int) -> None:
    """After deleting ``deleted`` messages: merge the search index so their words are
    gone from it, not only marked deleted (FTS5 keeps the old segments until a merge;
    ``secure_delete`` then zeroes the freed pages)."""
    if deleted:
        conn.execute("INSERT INTO messages_fts (messages_fts) VALUES ('optimize')")


def forget_all(conn: sqlite3.Connection) -> None:
    """Empty the search index (after every message was deleted)."""
    conn.execute("INSERT INTO messages_fts (messages_fts) VALUES ('delete-all')")
