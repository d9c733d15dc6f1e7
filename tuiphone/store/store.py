"""The Store: call history, chat, attachment metadata and counters in one SQLite file."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Collection, Iterator
from contextlib import contextmanager
from os import PathLike
from types import TracebackType
from typing import Any, TypeVar

from tuiphone.model.call import Direction, HistoryEntry
from tuiphone.model.errors import NotFound, UsageError
from tuiphone.model.location import LocationUse
from tuiphone.model.message import ChatThread, Delivery, Message, ThreadRead, peer_key
from tuiphone.model.trust import Vouch
from tuiphone.store import attachments, calls, messages, parts, privacy, retention
from tuiphone.store.attachments import Attachment
from tuiphone.store.connection import open_db
from tuiphone.store.errors import StoreError, store_error
from tuiphone.store.messages import Peers
from tuiphone.store.parts import StoredPart
from tuiphone.store.rows import message_from_row

T = TypeVar("T")


class Store:
    """Synchronous and thread-safe: one connection, every call serialised by a lock.

    Writes are small single transactions, so the engine may call it straight from its
    asyncio loop. Every method raises StoreError for database trouble (disk full,
    damaged or read-only file); a failed write is rolled back whole and nothing
    committed before it is lost. UsageError/NotFound flag caller mistakes.
    Counters are bumped only if the caller checked the user opted in.
    """

    def __init__(self, path: str | PathLike[str], max_pages: int | None = None) -> None:
        """Open or create the database (":memory:" for a throwaway one) and migrate it.

        ``max_pages`` caps the file size in pages (a safety limit; tests use it to fill
        the "disk"). Raises StoreError.
        """
        self.path = str(path)
        self._lock = threading.Lock()
        self._conn: sqlite3.Connection | None = open_db(self.path, max_pages)
        self._conn.row_factory = sqlite3.Row

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection. Idempotent; later calls raise StoreError."""
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    # Calls

    def add_call(self, entry: HistoryEntry, keep: int | None = None) -> None:
        """Store a finished call; with ``keep``, then drop all but the ``keep`` newest
        (``history_limit``; 0 stores nothing), in the same transaction."""
        if keep == 0:
            return

        def work(conn: sqlite3.Connection) -> None:
            calls.insert_call(conn, entry)
            if keep is not None:
                retention.keep_newest_calls(conn, keep)

        self._write(work)

    def purge(self, keep_calls: int | None, before: float | None) -> retention.Purged:
        """Apply ``history_limit`` and ``retention_days`` (see ``store.retention``)."""
        return self._write(lambda conn: retention.purge(conn, keep_calls, before))

    def history(
        self,
        limit: int = 50,
        offset: int = 0,
        peer: str | None = None,
        direction: Direction | None = None,
        identity: Vouch | None = None,
    ) -> list[HistoryEntry]:
        """Finished calls, newest first, optionally of one remote URI, direction and/or
        caller identity."""
        _check_window(limit, offset)
        return self._read(
            lambda conn: calls.select_history(conn, limit, offset, peer, direction, identity)
        )

    # Messages

    def add_message(self, message: Message) -> bool:
        """Store a message (incoming ones start unread); returns False if its id was known."""
        if message.direction not in ("in", "out"):
            raise UsageError(f"message direction must be 'in' or 'out', not {message.direction!r}")
        return self._write(lambda conn: messages.insert_message(conn, message))

    def complete_message(self, message: Message) -> bool:
        """Replace the truncated message of ``message.id`` by ``message`` (whole)."""
        return self._write(lambda conn: messages.complete_message(conn, message))

    def message(self, message_id: str) -> Message | None:
        """One message by id, or None."""
        return self._read(lambda conn: messages.select_message(conn, message_id))

    def update_delivery(
        self, message_id: str, delivery: Delivery, code: int = 0, reason: str = ""
    ) -> Message:
        """Record a delivery result and return the updated message. Raises NotFound."""
        found = self._write(
            lambda conn: messages.set_delivery(conn, message_id, delivery, code, reason)
        )
        if found is None:
            raise NotFound(f"no stored message with id {message_id!r}")
        return found

    def message_by_id(self, message_id: str) -> Message:
        """One message by id. Raises NotFound."""
        rows = self._read(lambda conn: conn.execute(
            "SELECT * FROM messages WHERE id = ?", (message_id,)).fetchall())
        if not rows:
            raise NotFound(f"no stored message with id {message_id!r}")
        return message_from_row(rows[0])

    def messages(self, peer: Peers | None = None, limit: int = 100,
                 before: str | None = None, after: str | None = None) -> list[Message]:
        """A page of ``limit`` messages, oldest first (a thread view reads top down): the
        newest, or those just before/after the message with that id. ``peer`` means its
        whole thread, whatever the spelling of its URI. Raises NotFound for an unknown id."""
        _check_window(limit, 0)
        if before is not None and after is not None:
            raise UsageError("give before or after, not both")
        return self._read(lambda conn: messages.select_messages(conn, peer, limit, before, after))

    def messages_around(self, message_id: str, limit: int = 100,
                        peers: tuple[str, ...] = ()) -> list[Message]:
        """A page of the message's thread (or of ``peers``' threads) with it in the
        middle. Raises NotFound."""
        _check_window(limit, 0)
        return self._read(lambda conn: messages.select_around(conn, message_id, limit, peers))

    def search_messages(self, text: str, peer: Peers | None = None, limit: int = 100
                        ) -> list[Message]:
        """Messages holding every word of ``text`` (full-text index), in ``peer``'s thread
        or all, the most recently stored first. Raises UsageError for an empty query."""
        _check_window(limit, 0)
        return self._read(lambda conn: messages.search(conn, text, peer, limit))

    def resend(self, message_id: str, now: float) -> Message:
        """Put a failed outgoing message back in the outbox (see
        ``messages.requeue_failed``). Raises NotFound, UsageError."""
        return self._write(lambda conn: messages.requeue_failed(conn, message_id, now))

    # The outbox: queued and sending messages (see tuiphone.engine.outbox)

    def take_for_sending(self, message_id: str) -> bool:
        """Mark a queued message SENDING (one more attempt); False if it was not queued."""
        return self._write(lambda conn: messages.set_sending(conn, message_id))

    def requeue(self, message_id: str, next_try: float, code: int, reason: str) -> Message:
        """Put a message back in the queue until ``next_try``. Raises NotFound."""
        found = self._write(lambda conn: messages.requeue(conn, message_id, next_try, code, reason))
        if found is None:
            raise NotFound(f"no stored message with id {message_id!r}")
        return found

    def due_messages(self, now: float, accounts: Collection[str], limit: int = 100
                     ) -> list[Message]:
        """Queued messages of ``accounts`` due by ``now``, oldest first."""
        return self._read(lambda conn: messages.select_due(conn, now, tuple(accounts), limit))

    def expired_messages(self, before: float, limit: int = 100) -> list[Message]:
        """Queued messages written before ``before``, oldest first."""
        return self._read(lambda conn: messages.select_expired(conn, before, limit))

    def next_due(self) -> float | None:
        return self._read(messages.next_due)

    def recover_sending(self) -> int:
        return self._write(messages.recover_sending)

    def pending_messages(self, peer: str | None = None, limit: int = 1000) -> list[Message]:
        _check_window(limit, 0)
        return self._read(lambda conn: messages.select_pending(conn, peer, limit))

    def threads(self) -> list[ChatThread]:
        """One entry per thread (normalised peer), the most recently active first."""
        return self._read(messages.select_threads)

    def mark_read(self, peer: Peers) -> ThreadRead:
        """Mark a peer's thread (any spelling of its URI) read; returns how many were
        unread and the incoming ones just read that asked for a display notification."""
        return self._write(lambda conn: messages.mark_read(conn, peer))

    # Long texts in parts

    def add_part(self, part: StoredPart) -> None:
        """Keep a received part until its text is whole (or given up)."""
        self._write(lambda conn: parts.insert_part(conn, part))

    def drop_parts(self, account_id: str, thread: str, group: str, total: int) -> int:
        """Forget the waiting parts of one text (joined, or given up as truncated)."""
        return self._write(lambda conn: parts.delete_group(conn, account_id, thread, group,
                                                           total))

    def waiting_parts(self) -> list[StoredPart]:
        return self._read(parts.select_parts)

    def part_receipt(self, message_id: str, index: int, delivery: Delivery
                     ) -> dict[int, Delivery]:
        """Part ``index`` of our message ``message_id`` got a receipt; how far each part
        heard of got. Raises StoreError (also for an unknown message: a foreign key)."""
        return self._write(lambda conn: parts.record_receipt(conn, message_id, index, delivery))

    # Attachments and counters

    def add_attachment(self, attachment: Attachment) -> int:
        """Store attachment metadata; returns its id. Raises NotFound for an unknown message."""
        try:
            return self._write(lambda conn: attachments.insert_attachment(conn, attachment))
        except StoreError as err:
            if isinstance(err.__cause__, sqlite3.IntegrityError):
                raise NotFound(f"no stored message with id {attachment.message_id!r}") from err
            raise

    def attachments(self, message_id: str) -> list[Attachment]:
        return self._read(lambda conn: attachments.select_attachments(conn, message_id))

    def attachment(self, attachment_id: int) -> Attachment:
        """One attachment by id. Raises NotFound."""
        found = self._read(lambda conn: attachments.select_attachment(conn, attachment_id))
        if found is None:
            raise NotFound(f"no stored attachment with id {attachment_id}")
        return found

    def update_attachment(self, attachment: Attachment) -> None:
        """Write back an attachment's url, local_path, size and key_ref."""
        self._write(lambda conn: attachments.update_attachment(conn, attachment))

    def peer_attachments(self, peer: str | None = None) -> list[Attachment]:
        """Every attachment (of one peer's whole thread, every spelling of its URI): what
        erasing must also remove."""
        clause, args = ("m.thread = ?", (peer_key(peer),)) if peer is not None else ("1", ())
        return self._read(lambda conn: attachments.select_where(conn, clause, args))

    def bump_counter(self, name: str, by: int = 1) -> int:
        """Add ``by`` to a usage counter (created at 0) and return the new value."""
        sql = (
            "INSERT INTO counters (name, value) VALUES (?, ?) "
            "ON CONFLICT (name) DO UPDATE SET value = value + excluded.value RETURNING value"
        )
        return self._write(lambda conn: int(conn.execute(sql, (name, by)).fetchone()[0]))

    def reset_counters(self) -> int:
        """Delete every usage counter; returns how many there were."""
        return self._write(lambda conn: conn.execute("DELETE FROM counters").rowcount)

    def counters(self) -> dict[str, int]:
        rows = self._read(lambda conn: conn.execute("SELECT name, value FROM counters").fetchall())
        return {row["name"]: row["value"] for row in rows}

    def add_location_use(self, use: LocationUse) -> None:
        """Keep which location an emergency call carried (``data export`` shows it)."""
        sql = ("INSERT INTO location_uses (call_id, account_id, number, profile, rule, "
               "detail, sent) VALUES (?, ?, ?, ?, ?, ?, ?)")
        self._write(lambda conn: conn.execute(sql, (
            use.call_id, use.account_id, use.number, use.profile, use.rule, use.detail,
            use.sent)))

    # Privacy

    def export_all(self) -> dict[str, Any]:
        """Everything kept, as JSON-serialisable values (see privacy.export_rows)."""
        return self._read(privacy.export_rows)

    def row_counts(self) -> dict[str, int]:
        return self._read(privacy.row_counts)

    def erase_all(self) -> int:
        """Delete every row, then rebuild the file so nothing lingers; returns rows deleted."""
        deleted = self._write(privacy.delete_all)
        self._read(privacy.compact)
        return deleted

    def erase_peer(self, peer: str) -> int:
        """Delete one peer's calls and chat thread with its attachments; returns rows deleted."""
        return self._write(lambda conn: privacy.delete_peer(conn, peer))

    # Plumbing

    def _write(self, work: Callable[[sqlite3.Connection], T]) -> T:
        with self._locked() as conn:
            conn.execute("BEGIN IMMEDIATE")
            try:
                result = work(conn)
                conn.execute("COMMIT")
            except BaseException:
                # SQLite may already have rolled back (e.g. on SQLITE_FULL).
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
            return result

    def _read(self, work: Callable[[sqlite3.Connection], T]) -> T:
        with self._locked() as conn:
            return work(conn)

    @contextmanager
    def _locked(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            if self._conn is None:
                raise StoreError(f"{self.path}: the store is closed", path=self.path)
            try:
                yield self._conn
            except sqlite3.Error as err:
                raise store_error(err, self.path) from err


def _check_window(limit: int, offset: int) -> None:
    if limit < 0 or offset < 0:
        raise UsageError(f"limit and offset must not be negative (got {limit}, {offset})")
