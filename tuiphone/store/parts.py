"""Long texts in parts: received parts that wait for the rest (so a restart between
parts loses none), and the receipts each part of our own long text got. Functions take
an open connection; the Store serialises them."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from tuiphone.model.message import Delivery, Message, peer_key

_RANK = {Delivery.SENT: 1, Delivery.DELIVERED: 2, Delivery.DISPLAYED: 3}


@dataclass(frozen=True, slots=True)
class StoredPart:
    """One waiting part: the message as it came (body with its "(i/n) " prefix) and
    its place ``index`` of ``total`` in the sender's ``group``."""

    message: Message
    group: str
    index: int
    total: int


def insert_part(conn: sqlite3.Connection, part: StoredPart) -> None:
    """Keep a part; a repeat of the same place replaces the earlier copy."""
    m = part.message
    conn.execute(
        "INSERT OR REPLACE INTO incoming_parts (account_id, thread, grp, total, idx, id, peer,"
        " body, content_type, timestamp, truncated, imdn_id, notify)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (m.account_id, peer_key(m.peer), part.group, part.total, part.index, m.id, m.peer,
         m.body, m.content_type, m.timestamp, int(m.truncated), m.imdn_id, m.notify))


def delete_group(conn: sqlite3.Connection, account_id: str, thread: str, group: str,
                 total: int) -> int:
    return conn.execute(
        "DELETE FROM incoming_parts WHERE account_id = ? AND thread = ? AND grp = ?"
        " AND total = ?", (account_id, thread, group, total)).rowcount


def select_parts(conn: sqlite3.Connection) -> list[StoredPart]:
    """Every waiting part, oldest first."""
    rows = conn.execute("SELECT * FROM incoming_parts ORDER BY timestamp, idx").fetchall()
    return [StoredPart(Message(
        id=r["id"], account_id=r["account_id"], direction="in", peer=r["peer"],
        body=r["body"], content_type=r["content_type"], timestamp=r["timestamp"],
        delivery=Delivery.RECEIVED, truncated=bool(r["truncated"]), imdn_id=r["imdn_id"],
        notify=r["notify"]), r["grp"], r["idx"], r["total"]) for r in rows]


def record_receipt(conn: sqlite3.Connection, message_id: str, index: int,
                   delivery: Delivery) -> dict[int, Delivery]:
    """Part ``index`` of our message reached ``delivery`` (never moved back); returns
    how far every part heard of so far got."""
    row = conn.execute("SELECT delivery FROM part_receipts WHERE message_id = ? AND idx = ?",
                       (message_id, index)).fetchone()
    if row is None or _RANK.get(Delivery(row["delivery"]), 0) < _RANK.get(delivery, 0):
        conn.execute("INSERT OR REPLACE INTO part_receipts (message_id, idx, delivery)"
                     " VALUES (?, ?, ?)", (message_id, index, delivery.value))
    rows = conn.execute("SELECT idx, delivery FROM part_receipts WHERE message_id = ?",
                        (message_id,)).fetchall()
    return {r["idx"]: Delivery(r["delivery"]) for r in rows}


def least_advanced(states: dict[int, Delivery], total: int) -> Delivery | None:
    """A long text's state from its parts': the least advanced of them; None while a
    part has no receipt yet."""
    if len(states) < total or not all(1 <= i <= total for i in states):
        return None
    return min(states.values(), key=lambda d: _RANK.get(d, 0))
