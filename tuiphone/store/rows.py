"""Conversions between model value types and database rows."""

from __future__ import annotations

import base64
import sqlite3
from typing import Any

from tuiphone.model.call import Direction, HistoryEntry
from tuiphone.model.message import Delivery, Message, peer_key
from tuiphone.model.trust import Vouch

CALL_COLUMNS = (
    "call_id, account_id, direction, remote_uri, remote_name, started, answered, ended, "
    "code, reason, duration, mos, identity, loss_pct, jitter_ms, rtt_ms"
)
CALL_MARKS = ", ".join("?" * len(CALL_COLUMNS.split(",")))
MESSAGE_COLUMNS = (
    "id, account_id, direction, peer, body, content_type, timestamp, delivery, code, reason, "
    "truncated, read, raw, attempts, thread, imdn_id, notify"
)


def call_params(entry: HistoryEntry) -> tuple[Any, ...]:
    """The values for an INSERT in CALL_COLUMNS order."""
    return (
        entry.call_id,
        entry.account_id,
        entry.direction.value,
        entry.remote_uri,
        entry.remote_name,
        entry.started,
        entry.answered,
        entry.ended,
        entry.code,
        entry.reason,
        entry.duration_s,
        entry.mos,
        entry.identity.value if entry.identity else None,
        entry.loss_pct,
        entry.jitter_ms,
        entry.rtt_ms,
    )


def entry_from_row(row: sqlite3.Row) -> HistoryEntry:
    return HistoryEntry(
        call_id=row["call_id"],
        account_id=row["account_id"],
        direction=Direction(row["direction"]),
        remote_uri=row["remote_uri"],
        started=row["started"],
        answered=row["answered"],
        ended=row["ended"],
        code=row["code"],
        reason=row["reason"],
        remote_name=row["remote_name"],
        mos=row["mos"],
        identity=_vouch(row["identity"]),
        loss_pct=row["loss_pct"],
        jitter_ms=row["jitter_ms"],
        rtt_ms=row["rtt_ms"],
    )


def _vouch(value: str | None) -> Vouch | None:
    try:
        return Vouch(value) if value else None
    except ValueError:  # written by a newer tuiphone
        return None


def message_params(message: Message) -> tuple[Any, ...]:
    """The values for an INSERT in MESSAGE_COLUMNS order; what we send counts as read."""
    return (
        message.id,
        message.account_id,
        message.direction,
        message.peer,
        message.body,
        message.content_type,
        message.timestamp,
        message.delivery.value,
        message.code,
        message.reason,
        int(message.truncated),
        int(message.direction == "out"),
        message.raw,
        message.attempts,
        peer_key(message.peer),
        message.imdn_id,
        message.notify,
    )


def message_from_row(row: sqlite3.Row) -> Message:
    return Message(
        id=row["id"],
        account_id=row["account_id"],
        direction=row["direction"],
        peer=row["peer"],
        body=row["body"],
        content_type=row["content_type"],
        timestamp=row["timestamp"],
        delivery=Delivery(row["delivery"]),
        code=row["code"],
        reason=row["reason"],
        truncated=bool(row["truncated"]),
        raw=row["raw"],
        attempts=row["attempts"],
        imdn_id=row["imdn_id"],
        notify=row["notify"],
    )


def plain_rows(cursor: sqlite3.Cursor, booleans: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    """Every row of ``cursor`` as a JSON-ready dict, without the internal ``seq`` column;
    BLOBs become base64 text."""
    cursor.row_factory = None  # plain tuples: several times faster than sqlite3.Row here
    names = [d[0] for d in cursor.description]
    keep = [i for i, name in enumerate(names) if name != "seq"]
    flags = [i for i in keep if names[i] in booleans]
    out = []
    for row in cursor:
        item = {names[i]: row[i] for i in keep}
        for i in flags:
            item[names[i]] = bool(row[i])
        for name, value in item.items():
            if isinstance(value, bytes):
                item[name] = base64.b64encode(value).decode("ascii")
        out.append(item)
    return out
