"""Where the database lives by default. Nothing is created here."""

from __future__ import annotations

import os
from pathlib import Path

DB_NAME = "tuiphone.db"


def default_db_path() -> Path:
    """``$XDG_DATA_HOME/tuiphone/tuiphone.db`` (``~/.local/share/...`` when it is unset or
    relative); the same rule as ``tuiphone.config.paths.data_dir``, which this layer may
    not import."""
    value = os.environ.get("XDG_DATA_HOME", "").strip()
    base = Path(value) if value and os.path.isabs(value) else Path.home() / ".local" / "share"
    return base / "tuiphone" / DB_NAME
