"""usage / usage reset: the local usage counters (``features.usage_counters``).

Read from the database in the command's own process (SQLite allows it while an engine
runs); nothing is ever sent anywhere. ``usage reset`` deletes every counter.
"""

from __future__ import annotations

import argparse
import asyncio
from typing import Any

from tuiphone.commands.output import Verbatim
from tuiphone.commands.util import opt
from tuiphone.engine.api import PhoneApi
from tuiphone.engine.usage import APP, CALL_SECONDS
from tuiphone.model.errors import UsageError


async def usage(phone: PhoneApi, args: argparse.Namespace) -> Any:
    """``phone`` is unused: a local command."""
    if args.action == "reset":
        if not args.yes:
            raise UsageError("usage reset deletes every usage counter; add --yes to do it")
        return {"counters_deleted": await asyncio.to_thread(_reset)}
    report = await asyncio.to_thread(_report, args)
    return report if opt(args, "json") else Verbatim(_text(report))


def _store_counters() -> dict[str, int]:
    from tuiphone.store.paths import default_db_path
    from tuiphone.store.store import Store

    path = default_db_path()
    if not path.exists():
        return {}
    store = Store(str(path))
    try:
        return store.counters()
    finally:
        store.close()


def _reset() -> int:
    from tuiphone.store.paths import default_db_path
    from tuiphone.store.store import Store

    path = default_db_path()
    if not path.exists():
        return 0
    store = Store(str(path))
    try:
        return store.reset_counters()
    finally:
        store.close()


def _switches(args: argparse.Namespace) -> dict[str, bool]:
    """Each account's switch; none when the config cannot be read (the counters kept
    are still shown)."""
    from tuiphone.config import load_config

    try:
        config = load_config(opt(args, "config"))
    except Exception:  # noqa: BLE001 - showing what is kept must work with a broken config
        return {}
    return {a.id: a.features.usage_counters for a in config.accounts}


def _report(args: argparse.Namespace) -> dict[str, Any]:
    app: dict[str, int] = {}
    accounts: dict[str, dict[str, float]] = {}
    for name, value in sorted(_store_counters().items()):
        scope, _, counter = name.partition(":")
        if scope == APP:
            app[counter] = value
        elif counter == CALL_SECONDS:
            accounts.setdefault(scope, {})["call.minutes"] = round(value / 60, 1)
        else:
            accounts.setdefault(scope, {})[counter] = value
    return {"counting": _switches(args), "app": app, "accounts": accounts}


def _text(report: dict[str, Any]) -> str:
    on = [a for a, yes in report["counting"].items() if yes]
    lines = [f"counting (local only, never sent): {', '.join(on) if on else 'off'}"]
    if not report["app"] and not report["accounts"]:
        lines.append("no counters kept")
    for scope, counters in [("app", report["app"]), *report["accounts"].items()]:
        if counters:
            lines.append(f"{scope}: " + ", ".join(f"{k} {v:g}" for k, v in counters.items()))
    return "\n".join(lines) + "\n"
