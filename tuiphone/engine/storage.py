"""Open the SQLite store, or an in-memory one when no path is configured."""

from __future__ import annotations

from pathlib import Path

from tuiphone.store import Store


def open_store(path: Path | None) -> Store:
    """Raises StoreError (a TuiphoneError) if the database cannot be opened."""
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    return Store(str(path) if path is not None else ":memory:")
