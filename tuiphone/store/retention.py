"""How long things are kept: the call-history limit and the age limit (retention_days).

Deleted rows free their pages for the next rows (``secure_delete`` zeroes them), so a
database under a limit stops growing instead of keeping every call ever made."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from tuiphone.store.attachments import Attachment, select_where
from tuiphone.store.messages import forget_deleted


@dataclass(frozen=True, slots=True)
class Purged:
    calls: int = 0
    messages: int = 0  # their attachment rows go with them (ON DELETE CASCADE)
    files: tuple[Attachment, ...] = ()  # those attachment rows: their files and keys go too

    @property
    def total(self) -> int:
        return self.calls + self.messages


def keep_newest_calls(conn: sqlite3.Connection, keep: int) -> int:
    """Delete all but the ``keep`` newest calls (``keep`` >= 0); returns how many went."""
    if keep < 0:
        raise ValueError(f"keep must be >= 0, not {keep}")
    cursor = conn.execute(
        "DELETE FROM calls WHERE seq IN (SELECT seq FROM calls "
        "ORDER BY started DESC, seq DESC LIMIT -1 OFFSET ?)", (keep,))
    return cursor.rowcount


def purge(conn: sqlite3.Connection, keep_calls: int | None, before: float | None) -> Purged:
    """Calls beyond ``keep_calls`` (None: no limit), and calls and messages older than
    ``before`` (a Unix time; None keeps every age), except messages still in the outbox."""
    calls = messages = 0
    files: tuple[Attachment, ...] = ()
    if before is not None:
        files = tuple(select_where(
            conn, "m.timestamp < ? AND m.delivery NOT IN ('queued', 'sending')", (before,)))
        calls += conn.execute("DELETE FROM calls WHERE started < ?", (before,)).rowcount
        # which location an emergency call carried is part of that call's record
        calls += conn.execute("DELETE FROM location_uses WHERE sent < ?", (before,)).rowcount
        # never the outbox: the engine fails an unsent message after message_retry_hours
        messages += conn.execute(
            "DELETE FROM messages WHERE timestamp < ? AND delivery NOT IN ('queued', 'sending')",
            (before,)).rowcount
        forget_deleted(conn, messages)  # their words leave the search index too
    if keep_calls is not None:
        calls += keep_newest_calls(conn, keep_calls)
    return Purged(calls, messages, files)
