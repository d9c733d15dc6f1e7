"""Where the database lives by default. Nothing is created here."""

from __future__ import annotations

from pathlib import Path

import platformdirs

DB_NAME = "tuiphone.db"


def default_db_path() -> Path:
    """``$XDG_DATA_HOME/tuiphone/tuiphone.db`` (``~/.local/share/...`` when unset)."""
    return platformdirs.user_data_path("tuiphone", appauthor=False) / DB_NAME
