"""The user's consents to provisioned data features: ``$XDG_DATA_HOME/tuiphone/
provisioning-consents.json`` (0600). Each record: time, account, source (redacted) and
the features accepted or rejected, in plain words. ``data export`` includes it and
``data erase`` removes it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tuiphone.config.atomic import atomic_write
from tuiphone.config.paths import data_dir, ensure_dir


def consent_file() -> Path:
    return data_dir() / "provisioning-consents.json"


def records() -> list[dict[str, Any]]:
    try:
        data = json.loads(consent_file().read_text("utf-8"))
    except (OSError, ValueError):
        return []
    return [r for r in data if isinstance(r, dict)] if isinstance(data, list) else []


def record(entry: dict[str, Any]) -> None:
    ensure_dir(consent_file().parent, 0o700)
    atomic_write(consent_file(), json.dumps([*records(), entry], indent=1).encode(), 0o600)
