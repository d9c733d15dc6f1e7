"""``provision accept`` / ``reject`` / ``status``: the user's side of provisioning.

Accepting moves the waiting data features into the account's layer (they apply from
the next start of the engine); rejecting keeps them off and stops asking about them
until the user accepts. Both are recorded with time, source and the list, in plain
words (see ``consent``).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import tomli_w

from tuiphone.config.atomic import atomic_write
from tuiphone.config.layers import layer_dir, read_layers
from tuiphone.config.paths import config_file
from tuiphone.model.errors import UsageError
from tuiphone.provision import consent, state
from tuiphone.provision.privacy import describe


@dataclass(frozen=True, slots=True)
class Waiting:
    """A data feature waiting for consent: ``features.blf`` and what it means."""

    key: str
    what: str


@dataclass(frozen=True, slots=True)
class AccountStatus:
    """``provision status``: one provisioned account (nothing secret in it)."""

    account: str
    title: str | None  # the provider's name for the account (Account XML <title>)
    source: str | None
    format: str | None
    last_attempt: str | None
    last_success: str | None
    age: str | None
    last_error: str | None
    interval_s: int | None
    locked: tuple[str, ...]
    ignored: tuple[str, ...]
    pending: tuple[Waiting, ...]
    rejected: tuple[str, ...]


def _doc(path: Path) -> dict[str, Any]:
    return tomllib.loads(path.read_text("utf-8"))


def _write(path: Path, doc: dict[str, Any]) -> None:
    head = "# Written by 'tuiphone provision'; do not edit. Your config.toml wins over it.\n"
    atomic_write(path, (head + tomli_w.dumps(doc)).encode("utf-8"), 0o600)


def _targets(config: str | None, account_id: str | None) -> list[Path]:
    folder = layer_dir(config_file(config)[0])
    paths = sorted(folder.glob("*.toml")) if folder.is_dir() else []
    if account_id is not None:
        paths = [p for p in paths if p.stem == account_id]
        if not paths:
            raise UsageError(f"{account_id}: no provisioned account of that id")
    return paths


def decide(config: str | None, account_id: str | None, accept: bool) -> dict[str, Any]:
    """Accept or reject every pending change (of ``account_id``, or of all accounts)."""
    done = []
    for path in _targets(config, account_id):
        doc = _doc(path)
        pending = doc.pop("pending", {})
        if not pending:
            continue
        meta = doc["provisioning"]
        rejected = [k for k in meta.get("rejected", []) if k not in pending]
        if accept:
            for key, value in pending.items():
                table = doc["account"]
                parts = key.split(".")
                for part in parts[:-1]:
                    table = table.setdefault(part, {})
                table[parts[-1]] = value
        else:
            rejected += list(pending)
        if rejected:
            meta["rejected"] = rejected
        else:
            meta.pop("rejected", None)
        _write(path, doc)
        entry = {"time": state.now(), "account": path.stem, "source": meta.get("source"),
                 "decision": "accepted" if accept else "rejected",
                 "changes": [{"key": k, "what": describe(k)} for k in pending]}
        consent.record(entry)
        done.append(entry)
    if not done:
        raise UsageError("nothing is waiting for your decision")
    return {"decided": done,
            "next": "restart tuiphone (or the daemon) for the change to take effect"
            if accept else "the features stay off"}


def _age(stamp: str | None) -> str | None:
    try:
        then = datetime.strptime(str(stamp), "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    except ValueError:
        return None
    seconds = int((datetime.now(UTC) - then).total_seconds())
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size:
            return f"{seconds // size}{unit}"
    return f"{max(seconds, 0)}s"


def status(config: str | None) -> list[AccountStatus]:
    """One row per provisioned account (no secret in it; the source is redacted)."""
    rows = []
    layers = {layer.account_id: layer for layer in read_layers(config_file(config)[0])}
    for account_id in sorted(set(layers) | set(state.accounts())):
        layer, known = layers.get(account_id), state.read(account_id)
        meta = dict(layer.meta) if layer else {}
        interval = known.get("interval_s")
        rows.append(AccountStatus(
            account=account_id,
            title=known.get("title"),
            source=known.get("source") or meta.get("source"),
            format=meta.get("format"),
            last_attempt=known.get("last_attempt"),
            last_success=known.get("last_success"),
            age=_age(known.get("last_success") or meta.get("fetched")),
            last_error=known.get("last_error"),
            interval_s=interval if isinstance(interval, int) else None,
            locked=tuple(meta.get("locked", [])),
            ignored=tuple(known.get("ignored", [])),
            pending=tuple(Waiting(k, describe(k)) for k in (layer.pending if layer else {})),
            rejected=tuple(meta.get("rejected", [])),
        ))
    return rows
