"""Where each effective config value came from: ``config show --origin``.

``config.toml:12`` for a value the user wrote, ``provisioned TIME from URL`` for one a
provider sent (``locked by the provider: …`` when the user cannot override it), and
``default`` for a built-in default. Password values are never shown.
"""

from __future__ import annotations

import dataclasses
import json
import os
from typing import Any

from tuiphone.config.keypath import KeyPath, format_path
from tuiphone.config.loader import load_layered
from tuiphone.config.locator import Locator
from tuiphone.config.paths import config_file
from tuiphone.config.schema import ContactsConfig, EngineConfig, LogConfig, UiConfig
from tuiphone.config.secrets import SECRET_KEYS
from tuiphone.model.account import AccountConfig, Features

# Account keys with a scalar default, as the TOML names them.
ACCOUNT_DEFAULTS = ("realm", "transport", "local_port", "srtp", "tls_verify", "dtmf",
                    "auto_answer", "register_expires", "ip_version")
PROVISIONING_DEFAULTS = {"method": "", "interval": 0, "timeout": 30, "verify": True}
HIDDEN = "[hidden]"


def _value(key: str, value: Any) -> str:
    if key in SECRET_KEYS and key != "password_store" and not isinstance(value, bool):
        return HIDDEN
    if isinstance(value, str):
        return '"' + value.replace('"', '\\"') + '"'
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _leaves(data: Any, path: KeyPath) -> list[tuple[KeyPath, Any]]:
    if isinstance(data, dict):
        out: list[tuple[KeyPath, Any]] = []
        for key, value in data.items():
            out += _leaves(value, (*path, key))
        return out
    if isinstance(data, list) and data and all(isinstance(v, dict) for v in data):
        out = []
        for index, value in enumerate(data):
            out += _leaves(value, (*path, index))
        return out
    return [(path, data)]


def _default(value: object) -> object:
    return value.value if hasattr(value, "value") else value


def origin_rows(explicit: str | os.PathLike[str] | None) -> list[dict[str, Any]]:
    config, merged, text = load_layered(explicit)
    file, _ = config_file(explicit)
    locator = Locator(text)
    rows = []
    for path, value in _leaves(merged.data, ()):
        origin = next((merged.origins[path[:end]] for end in range(len(path), 0, -1)
                       if path[:end] in merged.origins), None)
        if path in merged.locked:
            origin = f"locked by the provider: {merged.locked[path]}"
        elif origin is None:
            line = locator.line_of(path)
            origin = f"{file.name}:{line}" if line else "default"
        rows.append({"key": format_path(path), "value": _value(str(path[-1]), value),
                     "origin": origin})
    rows += _defaults(merged.data, config.accounts)
    return rows


def _defaults(data: dict[str, Any], accounts: tuple[AccountConfig, ...]) -> list[dict[str, Any]]:
    rows = []

    def add(path: KeyPath, value: object) -> None:
        rows.append({"key": format_path(path), "value": _value(str(path[-1]), _default(value)),
                     "origin": "default"})

    tables = data.get("accounts") if isinstance(data.get("accounts"), list) else []
    base = AccountConfig(id="", uri="")
    for index, table in enumerate(tables or []):
        if not isinstance(table, dict):
            continue
        for key in ACCOUNT_DEFAULTS:
            if key not in table:
                add(("accounts", index, key), getattr(base, key))
        features = table.get("features") if isinstance(table.get("features"), dict) else {}
        for field in dataclasses.fields(Features):
            if field.name not in (features or {}):
                add(("accounts", index, "features", field.name), field.default)
    for name, kind in (("engine", EngineConfig), ("ui", UiConfig), ("log", LogConfig),
                       ("contacts", ContactsConfig)):
        given = data.get(name) if isinstance(data.get(name), dict) else {}
        for field in dataclasses.fields(kind):
            default = field.default
            if isinstance(default, str | int | bool) and field.name not in (given or {}):
                add((name, field.name), default)
    given = data.get("provisioning") if isinstance(data.get("provisioning"), dict) else {}
    for key, default in PROVISIONING_DEFAULTS.items():
        if key not in (given or {}):
            add(("provisioning", key), default)
    del accounts
    return rows
