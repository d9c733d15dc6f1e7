"""Attachment metadata (file sharing keeps the bytes elsewhere; this is the index)."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Attachment:
    """A file sent or received with a message. ``id`` 0 means "not stored yet"."""

    message_id: str
    filename: str
    size: int = 0
    content_type: str = "application/octet-stream"
    url: str = ""
    key_ref: str = ""  # name of the decryption key in the secret store, never the key
    local_path: str = ""
    id: int = 0


def insert_attachment(conn: sqlite3.Connection, att: Attachment) -> int:
    """Insert and return the new id. Raises sqlite3.IntegrityError for an unknown message."""
    cur = conn.execute(
        "INSERT INTO attachments (message_id, filename, size, content_type, url, key_ref, "
        "local_path) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            att.message_id,
            att.filename,
            att.size,
            att.content_type,
            att.url,
            att.key_ref,
            att.local_path,
        ),
    )
    return int(cur.lastrowid or 0)


def _from_row(r: sqlite3.Row) -> Attachment:
    return Attachment(id=r["id"], message_id=r["message_id"], filename=r["filename"],
                      size=r["size"], content_type=r["content_type"], url=r["url"],
                      key_ref=r["key_ref"], local_path=r["local_path"])


def select_attachments(conn: sqlite3.Connection, message_id: str) -> list[Attachment]:
    rows = conn.execute("SELECT * FROM attachments WHERE message_id = ? ORDER BY id", (message_id,))
    return [_from_row(r) for r in rows]


def select_attachment(conn: sqlite3.Connection, attachment_id: int) -> Attachment | None:
    row = conn.execute("SELECT * FROM attachments WHERE id = ?", (attachment_id,)).fetchone()
    return None if row is None else _from_row(row)


def update_attachment(conn: sqlite3.Connection, att: Attachment) -> None:
    """Write back url, local_path, size and key_ref of a stored attachment."""
    conn.execute("UPDATE attachments SET url = ?, local_path = ?, size = ?, key_ref = ? "
                 "WHERE id = ?", (att.url, att.local_path, att.size, att.key_ref, att.id))


def select_where(conn: sqlite3.Connection, clause: str, args: tuple[object, ...]
                 ) -> list[Attachment]:
    """Attachments whose message matches ``clause`` (SQL over ``m``, the messages)."""
    rows = conn.execute("SELECT a.* FROM attachments a JOIN messages m ON m.id = a.message_id "
                        f"WHERE {clause} ORDER BY a.id", args)
    return [_from_row(r) for r in rows]
