"""``%installid%``: a random id of this installation, made the first time a provisioning
URL asks for it (``$XDG_DATA_HOME/tuiphone/install-id``, 0600). Nothing else reads it;
``data erase`` removes it (the next request makes a new one)."""

from __future__ import annotations

import uuid
from pathlib import Path

from tuiphone.config.atomic import atomic_write
from tuiphone.config.paths import data_dir, ensure_dir


def install_id_file() -> Path:
    return data_dir() / "install-id"


def install_id() -> str:
    path = install_id_file()
    try:
        text = path.read_text("ascii").strip()
    except (OSError, UnicodeDecodeError):
        text = ""
    if len(text) == 32 and all(c in "0123456789abcdef" for c in text):
        return text
    value = uuid.uuid4().hex
    ensure_dir(path.parent, 0o700)
    atomic_write(path, value.encode("ascii") + b"\n", 0o600)
    return value
