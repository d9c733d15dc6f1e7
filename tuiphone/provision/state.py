"""What provisioning remembers per account, outside the config: ``$XDG_STATE_HOME/
tuiphone/provisioning/<account>.json`` (mode 0600).

The URL template (placeholders unfilled), the re-provisioning URL and interval, the
validators for conditional requests (ETag, Last-Modified), the times of the last
attempt and success and the last error, the ignored nodes, every text node the provider
sent (for ``%account[NODE]%``), and the last good response. Passwords are never here:
they live in the secret store, and the stored response has them replaced.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tuiphone.config.atomic import atomic_write
from tuiphone.config.paths import ensure_dir, state_dir
from tuiphone.config.redact import REDACTED

_XML_SECRET = re.compile(r"(<(\w*[Pp]ass\w*)(?:\s[^>]*)?>)([^<]*)(</\2>)")
_TOML_SECRET = re.compile(r"^(\s*\w*pass\w*\s*=\s*)(\"[^\"\n]*\"|'[^'\n]*')", re.MULTILINE)


def folder() -> Path:
    return state_dir() / "provisioning"


def path_for(account_id: str) -> Path:
    return folder() / f"{account_id}.json"


def now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def read(account_id: str) -> dict[str, Any]:
    try:
        data = json.loads(path_for(account_id).read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def write(account_id: str, data: dict[str, Any]) -> None:
    ensure_dir(folder(), 0o700)
    atomic_write(path_for(account_id), json.dumps(data, indent=1, sort_keys=True).encode(), 0o600)


def accounts() -> list[str]:
    if not folder().is_dir():
        return []
    return sorted(p.stem for p in folder().glob("*.json"))


def scrub(body: str, secrets: list[str]) -> str:
    """``body`` with password elements/keys and every value in ``secrets`` redacted."""
    body = _XML_SECRET.sub(lambda m: m.group(1) + REDACTED + m.group(4), body)
    body = _TOML_SECRET.sub(lambda m: m.group(1) + f'"{REDACTED}"', body)
    for secret in sorted((s for s in secrets if s), key=len, reverse=True):
        body = body.replace(secret, REDACTED)
    return body
