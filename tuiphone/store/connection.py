"""Opening the database file: private permissions, pragmas, migrations."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from tuiphone.store.errors import StoreError, store_error
from tuiphone.store.migrations import migrate

MEMORY = ":memory:"
# How long a write waits for another program's lock. The engine writes on its event
# loop, so this is how long a lock can stall it; the engine retries what it must keep.
BUSY_TIMEOUT_MS = 1000


def open_db(path: str, max_pages: int | None = None) -> sqlite3.Connection:
    """Open (creating if needed) and migrate the database at ``path``; ":memory:" works.

    The connection is in autocommit mode and may be used from any thread, one at a
    time (the caller serialises). Raises StoreError.
    """
    if path != MEMORY:
        _create_private(Path(path))
    try:
        conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    except sqlite3.Error as err:
        raise store_error(err, path) from err
    try:
        _configure(conn, max_pages)
        migrate(conn, path)
    except sqlite3.Error as err:
        conn.close()
        raise store_error(err, path) from err
    except BaseException:
        conn.close()
        raise
    return conn


def _create_private(path: Path) -> None:
    """Create the directory (0700) and file (0600); SQLite gives -wal/-shm the file's mode."""
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.close(os.open(path, os.O_RDWR | os.O_CREAT, 0o600))
    except OSError as err:
        raise StoreError(f"cannot create {path}: {err.strerror}", path=str(path)) from err


def _configure(conn: sqlite3.Connection, max_pages: int | None) -> None:
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    # The first statement that reads the file: a foreign file fails here (SQLITE_NOTADB).
    conn.execute("PRAGMA journal_mode = WAL").fetchone()
    # WAL + NORMAL: a crash of the app loses nothing; a power cut at most the last commit.
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute("PRAGMA foreign_keys = ON")
    # Deleted chat and history are overwritten, not left in free pages.
    conn.execute("PRAGMA secure_delete = ON")
    if max_pages is not None:
        conn.execute(f"PRAGMA max_page_count = {int(max_pages)}").fetchone()
