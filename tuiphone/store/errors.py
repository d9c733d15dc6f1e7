"""The store's one error type, and the translation of sqlite3 errors into it."""

from __future__ import annotations

import sqlite3

from tuiphone.model.errors import TuiphoneError

# Primary SQLite result codes (the low byte of an extended code).
SQLITE_BUSY = 5
SQLITE_LOCKED = 6
SQLITE_READONLY = 8
SQLITE_IOERR = 10
SQLITE_CORRUPT = 11
SQLITE_FULL = 13
SQLITE_CANTOPEN = 14
SQLITE_NOTADB = 26


class StoreError(TuiphoneError):
    """The history/chat database cannot be read or written.

    ``path`` is the database file; ``code`` the primary SQLite result code, 0 when the
    error did not come from SQLite. Changes committed before the error are kept.
    """

    def __init__(self, message: str, path: str = "", code: int = 0) -> None:
        super().__init__(message)
        self.path = path
        self.code = code


def _explain(code: int, path: str, err: sqlite3.Error) -> str:
    if code == SQLITE_FULL:
        return (
            f"{path}: the disk (or the database's size limit) is full; "
            "the last change was not saved"
        )
    if code in (SQLITE_CORRUPT, SQLITE_NOTADB):
        return (
            f"{path} is damaged or is not a tuiphone database; "
            "move it aside and tuiphone will start a new one"
        )
    if code == SQLITE_READONLY:
        return f"{path} is read-only; check the permissions of the file and its directory"
    if code == SQLITE_CANTOPEN:
        return f"cannot open {path}: check that its directory exists and is writable"
    if code in (SQLITE_BUSY, SQLITE_LOCKED):
        return f"{path} is locked by another program; try again"
    if code == SQLITE_IOERR:
        return f"{path}: input/output error ({err}); check the disk"
    return f"{path}: database error: {err}"


def store_error(err: sqlite3.Error, path: str) -> StoreError:
    """A StoreError with a message a user can act on, for ``err`` raised on ``path``."""
    code = (getattr(err, "sqlite_errorcode", 0) or 0) & 0xFF
    return StoreError(_explain(code, path, err), path=path, code=code)
