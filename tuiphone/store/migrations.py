"""Numbered schema migrations. ``PRAGMA user_version`` holds how many have been applied.

Append new scripts; never edit one that has shipped. Each runs in its own transaction
together with the bump of ``user_version``, so a failure leaves the previous version.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

from tuiphone.model.message import peer_key
from tuiphone.store.errors import StoreError

V1_INITIAL = """
CREATE TABLE calls (
    seq         INTEGER PRIMARY KEY,
    call_id     TEXT    NOT NULL,
    account_id  TEXT    NOT NULL,
    direction   TEXT    NOT NULL CHECK (direction IN ('outgoing', 'incoming')),
    remote_uri  TEXT    NOT NULL,
    remote_name TEXT    NOT NULL DEFAULT '',
    started     REAL    NOT NULL,
    answered    REAL,
    ended       REAL    NOT NULL,
    code        INTEGER NOT NULL DEFAULT 0,
    reason      TEXT    NOT NULL DEFAULT '',
    duration    REAL    NOT NULL DEFAULT 0,
    mos         REAL
);
CREATE INDEX calls_by_time ON calls (started, seq);
CREATE INDEX calls_by_peer ON calls (remote_uri, started);

CREATE TABLE messages (
    seq          INTEGER PRIMARY KEY,
    id           TEXT    NOT NULL UNIQUE,
    account_id   TEXT    NOT NULL,
    direction    TEXT    NOT NULL CHECK (direction IN ('in', 'out')),
    peer         TEXT    NOT NULL,
    body         TEXT    NOT NULL,
    content_type TEXT    NOT NULL,
    timestamp    REAL    NOT NULL,
    delivery     TEXT    NOT NULL CHECK (delivery IN ('pending', 'sent', 'failed', 'received')),
    code         INTEGER NOT NULL DEFAULT 0,
    reason       TEXT    NOT NULL DEFAULT '',
    truncated    INTEGER NOT NULL DEFAULT 0,
    read         INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX messages_by_peer ON messages (peer, timestamp, seq);
CREATE INDEX messages_by_time ON messages (timestamp, seq);
CREATE INDEX messages_unread ON messages (peer) WHERE read = 0;

CREATE TABLE attachments (
    id           INTEGER PRIMARY KEY,
    message_id   TEXT    NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
    filename     TEXT    NOT NULL,
    size         INTEGER NOT NULL DEFAULT 0,
    content_type TEXT    NOT NULL DEFAULT 'application/octet-stream',
    url          TEXT    NOT NULL DEFAULT '',
    key_ref      TEXT    NOT NULL DEFAULT '',  -- a name in the secret store, never a key
    local_path   TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX attachments_by_message ON attachments (message_id);

CREATE TABLE counters (
    name  TEXT    PRIMARY KEY,
    value INTEGER NOT NULL DEFAULT 0
);
"""

# An incoming body that is not valid UTF-8 (or not UTF-8 at all) is kept as it arrived.
V2_MESSAGE_BYTES = """
ALTER TABLE messages ADD COLUMN raw BLOB NOT NULL DEFAULT x'';
"""

# The outbox: new delivery states (a CHECK cannot be altered, so the table is rebuilt;
# attachments are moved aside first, as dropping ``messages`` would cascade into them),
# and retry bookkeeping. (A retransmitted incoming MESSAGE is recognised by its id,
# which the SIP layer derives from Call-ID and CSeq.)
# A 'pending' row from before had its outcome lost with its process: it becomes failed.
V3_OUTBOX = """
CREATE TEMP TABLE attachments_v3 AS SELECT * FROM attachments;
DROP TABLE attachments;
CREATE TABLE messages_v3 (
    seq          INTEGER PRIMARY KEY,
    id           TEXT    NOT NULL UNIQUE,
    account_id   TEXT    NOT NULL,
    direction    TEXT    NOT NULL CHECK (direction IN ('in', 'out')),
    peer         TEXT    NOT NULL,
    body         TEXT    NOT NULL,
    content_type TEXT    NOT NULL,
    timestamp    REAL    NOT NULL,
    delivery     TEXT    NOT NULL CHECK (delivery IN ('queued', 'sending', 'sent', 'delivered',
                                                     'displayed', 'failed', 'received')),
    code         INTEGER NOT NULL DEFAULT 0,
    reason       TEXT    NOT NULL DEFAULT '',
    truncated    INTEGER NOT NULL DEFAULT 0,
    read         INTEGER NOT NULL DEFAULT 0,
    raw          BLOB    NOT NULL DEFAULT x'',
    attempts     INTEGER NOT NULL DEFAULT 0,
    next_try     REAL    NOT NULL DEFAULT 0
);
INSERT INTO messages_v3 (seq, id, account_id, direction, peer, body, content_type, timestamp,
                         delivery, code, reason, truncated, read, raw)
SELECT seq, id, account_id, direction, peer, body, content_type, timestamp,
       CASE delivery WHEN 'pending' THEN 'failed' ELSE delivery END, code,
       CASE delivery WHEN 'pending' THEN 'outcome unknown (sent before the outbox)'
                     ELSE reason END,
       truncated, read, raw
FROM messages;
DROP TABLE messages;
ALTER TABLE messages_v3 RENAME TO messages;
CREATE INDEX messages_by_peer ON messages (peer, timestamp, seq);
CREATE INDEX messages_by_time ON messages (timestamp, seq);
CREATE INDEX messages_unread ON messages (peer) WHERE read = 0;
CREATE INDEX messages_outbox ON messages (next_try) WHERE delivery IN ('queued', 'sending');

CREATE TABLE attachments (
    id           INTEGER PRIMARY KEY,
    message_id   TEXT    NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
    filename     TEXT    NOT NULL,
    size         INTEGER NOT NULL DEFAULT 0,
    content_type TEXT    NOT NULL DEFAULT 'application/octet-stream',
    url          TEXT    NOT NULL DEFAULT '',
    key_ref      TEXT    NOT NULL DEFAULT '',  -- a name in the secret store, never a key
    local_path   TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX attachments_by_message ON attachments (message_id);
INSERT INTO attachments SELECT * FROM temp.attachments_v3;
DROP TABLE temp.attachments_v3;
"""

V4_CALLER_IDENTITY = """
ALTER TABLE calls ADD COLUMN identity TEXT;  -- what the network vouched for (Vouch), NULL
"""

# Chat threads over the whole history and full-text search.
# ``thread`` is the normalised peer (``model.message.peer_key``): one conversation for
# sip:alice@host, <sip:alice@host;transport=tcp> and "Alice" <sip:alice@host>. Old rows
# get theirs from the same Python function, which ``migrate`` registers.
# ``messages_fts`` is an external-content FTS5 index over ``messages.body`` (the text is
# stored once, in ``messages``); the triggers keep it in step with every INSERT, DELETE
# (retention, erase) and UPDATE of a body, and 'rebuild' indexes the rows already kept.
# A later migration that rebuilds ``messages`` must recreate the triggers and rebuild.
V5_CHAT_THREADS = """
ALTER TABLE messages ADD COLUMN thread TEXT NOT NULL DEFAULT '';
UPDATE messages SET thread = tuiphone_peer_key(peer);
DROP INDEX messages_unread;
CREATE INDEX messages_by_thread ON messages (thread, timestamp, seq);
CREATE INDEX messages_unread ON messages (thread) WHERE read = 0;
CREATE VIRTUAL TABLE messages_fts USING fts5(
    body, content='messages', content_rowid='seq', tokenize='unicode61 remove_diacritics 2'
);
CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN
    INSERT INTO messages_fts (rowid, body) VALUES (new.seq, new.body);
END;
CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN
    INSERT INTO messages_fts (messages_fts, rowid, body) VALUES ('delete', old.seq, old.body);
END;
CREATE TRIGGER messages_fts_update AFTER UPDATE OF body ON messages BEGIN
    INSERT INTO messages_fts (messages_fts, rowid, body) VALUES ('delete', old.seq, old.body);
    INSERT INTO messages_fts (rowid, body) VALUES (new.seq, new.body);
END;
INSERT INTO messages_fts (messages_fts) VALUES ('rebuild');
"""

V6_IMDN = """
ALTER TABLE messages ADD COLUMN imdn_id TEXT NOT NULL DEFAULT '';  -- the sender's imdn.Message-ID
ALTER TABLE messages ADD COLUMN notify TEXT NOT NULL DEFAULT '';  -- notifications it asked for
"""

V7_LOCATION_USES = """
CREATE TABLE location_uses (  -- which location went out on which emergency call
    seq        INTEGER PRIMARY KEY,
    call_id    TEXT    NOT NULL,
    account_id TEXT    NOT NULL,
    number     TEXT    NOT NULL,
    profile    TEXT    NOT NULL DEFAULT '',  -- '' : sent without location
    rule       TEXT    NOT NULL DEFAULT '',
    detail     TEXT    NOT NULL DEFAULT '',
    sent       REAL    NOT NULL
);
"""

V8_MESSAGE_PARTS = """
CREATE TABLE incoming_parts (  -- parts of a long text received, waiting for the rest
    account_id   TEXT    NOT NULL,
    thread       TEXT    NOT NULL,  -- peer_key(peer)
    grp          TEXT    NOT NULL,  -- the sender's id of the whole text
    total        INTEGER NOT NULL,
    idx          INTEGER NOT NULL,
    id           TEXT    NOT NULL,  -- the part's own message id
    peer         TEXT    NOT NULL,
    body         TEXT    NOT NULL,  -- as it came, "(i/n) " prefix included
    content_type TEXT    NOT NULL,
    timestamp    REAL    NOT NULL,  -- when it arrived
    truncated    INTEGER NOT NULL DEFAULT 0,
    imdn_id      TEXT    NOT NULL DEFAULT '',
    notify       TEXT    NOT NULL DEFAULT '',
    PRIMARY KEY (account_id, thread, grp, total, idx)
);
CREATE TABLE part_receipts (  -- how far each part of our long text got (IMDN)
    message_id   TEXT    NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
    idx          INTEGER NOT NULL,
    delivery     TEXT    NOT NULL,
    PRIMARY KEY (message_id, idx)
);
"""

V9_CALL_STATS = """
ALTER TABLE calls ADD COLUMN loss_pct REAL;   -- the call's last RTP figures
ALTER TABLE calls ADD COLUMN jitter_ms REAL;
ALTER TABLE calls ADD COLUMN rtt_ms REAL;
"""

MIGRATIONS: tuple[str, ...] = (
    V1_INITIAL, V2_MESSAGE_BYTES, V3_OUTBOX, V4_CALLER_IDENTITY, V5_CHAT_THREADS, V6_IMDN,
    V7_LOCATION_USES, V8_MESSAGE_PARTS, V9_CALL_STATS,
)


def schema_version(conn: sqlite3.Connection) -> int:
    row = conn.execute("PRAGMA user_version").fetchone()
    return int(row[0])


def migrate(conn: sqlite3.Connection, path: str, migrations: Sequence[str] = MIGRATIONS) -> int:
    """Apply the migrations ``conn`` lacks and return the resulting version.

    ``conn`` must be in autocommit mode (``isolation_level=None``). Raises StoreError
    for a database from a newer tuiphone; lets sqlite3 errors through otherwise.
    """
    current = schema_version(conn)
    conn.create_function("tuiphone_peer_key", 1, peer_key, deterministic=True)
    if current > len(migrations):
        raise StoreError(
            f"{path} was created by a newer tuiphone (schema {current}, this version "
            f"knows {len(migrations)}); upgrade tuiphone or move the file aside",
            path=path,
        )
    for number in range(current + 1, len(migrations) + 1):
        _apply(conn, number, migrations[number - 1])
    return len(migrations)


def _apply(conn: sqlite3.Connection, number: int, script: str) -> None:
    # executescript() runs its own statements; BEGIN/COMMIT inside it make one transaction.
    try:
        conn.executescript(f"BEGIN IMMEDIATE;\n{script}\n;PRAGMA user_version = {number};\nCOMMIT;")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
