"""tuiphone's own provisioning format: a TOML fragment with the config file's schema.

Allowed: ``[[accounts]]`` (each may carry ``locked = ["key", "features.blf"]``: keys
the user cannot override), ``[[quickdial]]``, and ``[provisioning]`` with ``url`` (the
re-provisioning template) and ``interval`` (hours). A plain ``password`` goes to the
secret store; ``password_command`` and ``password_env`` are refused (a provider must not
run programs or read the environment on the user's machine). Problems are reported as
``URL:line: key: problem``, exactly like config.toml's.
"""

from __future__ import annotations

import tomllib
from typing import Any

from tuiphone.config.loader import parse_data, syntax_message
from tuiphone.config.problems import Problems
from tuiphone.model.errors import ConfigError
from tuiphone.provision.translation import Translation, Unusable

TOP = ("accounts", "quickdial", "provisioning")
REFUSED = ("password_command", "password_env", "password_keyring")


def translate(body: bytes, where: str, account_id: str | None) -> list[Translation]:
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as err:
        raise Unusable(f"{where}: not UTF-8 text (byte {err.start})") from err
    try:
        data: dict[str, Any] = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise Unusable(syntax_message(where, text, err)) from err
    problems = Problems(where, text)
    for key in data:
        if key not in TOP:
            problems.error((key,), "cannot be provisioned; a fragment holds only "
                                   "[[accounts]], [[quickdial]] and [provisioning]")
    accounts = data.get("accounts")
    if not isinstance(accounts, list) or not accounts:
        raise Unusable(f"{where}: no [[accounts]] table")
    locks, secrets = _account_parts(accounts, problems, account_id)
    prov = data.pop("provisioning", {})
    url, hours = _provisioning(prov, problems)
    quickdial = data.get("quickdial", [])
    try:
        parse_data(dict(data), problems)
    except ConfigError as err:
        raise Unusable(err.problems[0] if len(err.problems) == 1 else
                       f"{err.problems[0]} (and {len(err.problems) - 1} more)") from err
    problems.raise_if_any()
    out = []
    for index, table in enumerate(a for a in accounts if isinstance(a, dict)):
        out.append(Translation(
            account=table, locked=locks[index], secrets=secrets[index],
            nodes={k: str(v) for k, v in table.items() if isinstance(v, str | int)},
            quickdial=[q for q in quickdial if isinstance(q, dict)] if index == 0 else [],
            reprovision_url=url, interval_s=hours * 3600 if hours else None))
    return out


def _account_parts(accounts: list[Any], problems: Problems, account_id: str | None
                   ) -> tuple[list[list[str]], list[dict[str, str]]]:
    """Take each table's ``locked`` list and plain ``password`` out (the password goes
    to the secret store: ``password_store = true`` stands in); refuse what a provider
    may not send; give the first table ``account_id``."""
    locks: list[list[str]] = []
    secrets: list[dict[str, str]] = []
    for index, table in enumerate(accounts):
        if not isinstance(table, dict):
            continue
        locked = table.pop("locked", [])
        if not isinstance(locked, list) or not all(isinstance(k, str) for k in locked):
            problems.error(("accounts", index, "locked"), "expected an array of key names")
            locked = []
        locks.append(locked)
        found: dict[str, str] = {}
        for key in REFUSED:
            if key in table:
                problems.error(("accounts", index, key), "not accepted from a provider")
        if isinstance(table.get("password"), str):
            found["password"] = table.pop("password")
            table["password_store"] = True
        secrets.append(found)
        if index == 0 and account_id:
            table["id"] = account_id
    return locks, secrets


def _provisioning(prov: object, problems: Problems) -> tuple[str | None, int]:
    if not isinstance(prov, dict):
        problems.error(("provisioning",), "expected a table")
        return None, 0
    url, hours = prov.get("url"), prov.get("interval", 0)
    for key in prov:
        if key not in ("url", "interval"):
            problems.error(("provisioning", key), "a fragment's [provisioning] holds only "
                                                  "url and interval")
    if url is not None and (not isinstance(url, str) or not url.startswith(
            ("http://", "https://"))):
        problems.error(("provisioning", "url"), "must start with http:// or https://")
        url = None
    if type(hours) is not int or not 0 <= hours <= 24 * 365:
        problems.error(("provisioning", "interval"), "expected hours, 0..8760")
        hours = 0
    return url, hours
