"""Provisioned config layers: one file per account beside config.toml, merged under it.

A layer is ``provisioned/<account id>.toml`` next to the config file, written only by
``tuiphone provision`` (atomically, mode 0600). It holds the account table the
provider's values give (same schema as ``[[accounts]]``), the keys the provider locked,
the data-feature changes waiting for the user's consent, and provisioned QuickDial
entries. The user's own config.toml wins over it key by key, except for locked keys.

Merge order per key: built-in default < provisioned < config.toml < provider-locked.
``merge_layers`` returns the merged raw TOML data and where each value came from.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tuiphone.config.keypath import KeyPath
from tuiphone.config.secrets import SECRET_KEYS

LAYER_DIR = "provisioned"
GLOBAL = "_global"  # the layer of global provisioning (Quick Dial); no account id has "_"
# Tables inside an account that merge key by key (the rest replace as one value).
NESTED = ("features", "nat", "trust")


def layer_dir(config_file: Path) -> Path:
    return config_file.parent / LAYER_DIR


@dataclass(frozen=True, slots=True)
class Layer:
    """One provisioned account: ``account`` is what applies now (without ``pending``)."""

    account_id: str
    path: Path
    account: Mapping[str, Any]
    locked: tuple[str, ...] = ()
    pending: Mapping[str, Any] = field(default_factory=dict)
    quickdial: tuple[Mapping[str, Any], ...] = ()
    meta: Mapping[str, Any] = field(default_factory=dict)

    @property
    def origin(self) -> str:
        when = self.meta.get("fetched", "?")
        return f"provisioned {when} from {self.meta.get('source', '?')}"


class LayerError(ValueError):
    """A layer file that cannot be read; the message names the file."""


def read_layer(path: Path) -> Layer:
    try:
        data = tomllib.loads(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as err:
        raise LayerError(f"{path}: unreadable provisioned layer: {err}") from err
    account = data.get("account", {} if path.stem == GLOBAL else None)
    meta = data.get("provisioning", {})
    if path.stem == GLOBAL and account:
        raise LayerError(f"{path}: the global layer holds no account")
    if not isinstance(account, dict) or not isinstance(meta, dict) or (
            path.stem != GLOBAL and account.get("id") != path.stem):
        raise LayerError(f"{path}: not a provisioned layer for account {path.stem!r}")
    locked = meta.get("locked", [])
    pending = data.get("pending", {})
    quickdial = data.get("quickdial", [])
    return Layer(path.stem, path, account, tuple(str(k) for k in locked),
                 pending if isinstance(pending, dict) else {},
                 tuple(q for q in quickdial if isinstance(q, dict)), meta)


def read_layers(config_file: Path) -> list[Layer]:
    """Every layer beside ``config_file``, by account id; LayerError for a broken one."""
    folder = layer_dir(config_file)
    if not folder.is_dir():
        return []
    return [read_layer(p) for p in sorted(folder.glob("*.toml"))]


def dotted(path: tuple[str, ...]) -> str:
    return ".".join(path)


@dataclass(slots=True)
class Merged:
    """The merged data, each provisioned value's origin, and notes for the user."""

    data: dict[str, Any]
    origins: dict[KeyPath, str] = field(default_factory=dict)
    locked: dict[KeyPath, str] = field(default_factory=dict)
    overridden_locks: list[tuple[KeyPath, str]] = field(default_factory=list)


def merge_layers(user: Mapping[str, Any], layers: list[Layer]) -> Merged:
    """``user`` (config.toml's data) over ``layers``, key by key; locked keys win."""
    data = dict(user)
    merged = Merged(data)
    if not layers:
        return merged
    if not isinstance(data.get("accounts", []), list):
        return merged  # config.toml's own error is reported by the reader
    accounts = [dict(a) if isinstance(a, dict) else a for a in data.get("accounts", [])]
    for layer in layers:
        if layer.account_id == GLOBAL:
            continue
        index = next((i for i, a in enumerate(accounts)
                      if isinstance(a, dict) and a.get("id") == layer.account_id), None)
        if index is None:
            index = len(accounts)
            accounts.append({})
        accounts[index] = _merge_account(layer, accounts[index], ("accounts", index), merged)
    data["accounts"] = accounts
    _merge_quickdial(data, layers, merged)
    return merged


def _merge_account(layer: Layer, user: dict[str, Any], at: KeyPath, merged: Merged
                   ) -> dict[str, Any]:
    """One account: the user's keys win unless locked; sub-tables merge key by key; a
    password source of the user's replaces the stored one as a whole."""
    out: dict[str, Any] = {}
    user_has_secret = any(k in user for k in SECRET_KEYS)
    locked = set(layer.locked)
    for key, value in layer.account.items():
        if key in SECRET_KEYS and user_has_secret:
            continue
        if key in NESTED and isinstance(value, dict):
            inner = dict(user.get(key, {})) if isinstance(user.get(key), dict) else {}
            table: dict[str, Any] = {}
            for sub, sub_value in value.items():
                path = (*at, key, sub)
                name = f"{key}.{sub}"
                if sub in inner and name not in locked:
                    continue
                if sub in inner:
                    merged.overridden_locks.append((path, layer.origin))
                table[sub] = sub_value
                merged.origins[path] = layer.origin
                if name in locked:
                    merged.locked[path] = layer.origin
            out[key] = {**inner, **table}
            continue
        path = (*at, key)
        if key in user and key not in locked:
            continue
        if key in user and key != "id":
            merged.overridden_locks.append((path, layer.origin))
        out[key] = value
        merged.origins[path] = layer.origin
        if key in locked:
            merged.locked[path] = layer.origin
    return {**user, **out}


def _merge_quickdial(data: dict[str, Any], layers: list[Layer], merged: Merged) -> None:
    own = data.get("quickdial", [])
    if not isinstance(own, list):
        return
    entries = list(own)
    users = {e.get("uri") for e in entries if isinstance(e, dict)}
    provided: dict[object, int] = {}
    # account layers first (their BLF lists), then global Quick Dial (names for them)
    for layer in sorted(layers, key=lambda item: item.account_id == GLOBAL):
        for entry in layer.quickdial:
            uri = entry.get("uri")
            if uri in users:
                continue  # the user's own entry for it wins
            if uri in provided:
                index = provided[uri]
                entries[index] = {**entries[index], "label": entry.get("label"),
                                  "blf": bool(entries[index].get("blf") or entry.get("blf"))}
                continue
            provided[uri] = len(entries)
            merged.origins[("quickdial", len(entries))] = layer.origin
            entries.append(dict(entry))
    if entries:
        data["quickdial"] = entries
