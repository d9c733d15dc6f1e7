"""data export / erase: everything tuiphone keeps about you, out or gone.

Kept: call history, chat messages and their attachment records, usage counters, the
location profile each emergency call carried (the SQLite database), received files and
their wrapped keys, the SIP trace log, the shell history, copies of address books (the
parsed-contacts cache, the CardDAV offline copies), and the record of your decisions on
provisioned data features. Not touched: your config, the app's settings (state.toml),
your secrets, and your own vCard folders.

Both run in the command's own process (SQLite allows it while an engine runs); a
running engine is then asked to re-read its address books.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
from pathlib import Path
from typing import Any

from tuiphone.commands.contacts.notify import tell_engine
from tuiphone.commands.output import Verbatim
from tuiphone.commands.util import opt
from tuiphone.config import load_config
from tuiphone.config.paths import (
    cache_dir,
    data_dir,
    file_keys_dir,
    files_dir,
    state_dir,
    state_file,
    trace_log_file,
)
from tuiphone.engine.api import PhoneApi
from tuiphone.model.errors import TuiphoneError, UsageError
from tuiphone.provision.consent import consent_file
from tuiphone.provision.consent import records as consent_records
from tuiphone.provision.installid import install_id_file

SHELL_HISTORY = "shell_history"


def _db() -> Path:
    from tuiphone.store.paths import default_db_path

    return default_db_path()


def trace_log(args: argparse.Namespace) -> Path:
    """Where this config's SIP trace log is (whether or not it exists)."""
    return trace_log_file(load_config(opt(args, "config")).engine.sip_trace_file)


async def data(phone: PhoneApi, args: argparse.Namespace) -> Any:
    """``phone`` is unused: a local command."""
    if args.action == "show":
        return await asyncio.to_thread(_show, args)
    if args.action == "export":
        result = await asyncio.to_thread(_export, args)
        if args.out or opt(args, "json"):
            return result
        return Verbatim(json.dumps(result, indent=2, ensure_ascii=False) + "\n")  # a dump
    return await _erase(args)


def _show(args: argparse.Namespace) -> list[dict[str, Any]]:
    """What is kept, where, how big: one row per place (nothing is read but sizes and
    row counts; no secret is opened)."""
    rows = [_place("calls, messages, attachment records, counters", _db(), _db_counts())]
    rows.append(_place("SIP trace log (features.sip_trace_log)", trace_log(args)))
    rows.append(_place("files received (features.file_sharing)", files_dir(),
                       f"{len(_saved_files())} files"))
    rows.append(_place("file keys (wrapped with the secret store's files:wrap)",
                       file_keys_dir()))
    for log in sorted(state_dir().glob("tuiphone.log*")) or [state_dir() / "tuiphone.log"]:
        rows.append(_place("application log ([log] level)", log))
    rows.append(_place("shell history", state_dir() / SHELL_HISTORY))
    rows.append(_place("address-book cache", cache_dir() / "contacts"))
    rows.append(_place("CardDAV offline copies", data_dir() / "carddav"))
    rows.append(_place("secret store (passwords, encrypted)", data_dir() / "secrets.json.enc"))
    rows.append(_place("app state (UI, QuickDial edits)", state_file()))
    rows.append(_place("provisioning consents (provision accept/reject)", consent_file()))
    rows.append(_place("install id (%installid% in a provisioning URL)", install_id_file()))
    return rows


def _db_counts() -> str:
    from tuiphone.store.store import Store

    if not _db().exists():
        return ""
    store = Store(str(_db()))
    try:
        counts = store.row_counts()
    finally:
        store.close()
    return ", ".join(f"{n} {table}" for table, n in counts.items())


def _place(what: str, path: Path, detail: str = "") -> dict[str, Any]:
    size = 0
    if path.is_dir():
        size = sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
    elif path.exists():
        size = path.stat().st_size
    return {"what": what, "place": str(path), "exists": path.exists(), "bytes": size,
            "rows": detail}


def _export(args: argparse.Namespace) -> dict[str, Any]:
    """The database as JSON (to --out FILE, mode 0600, or standard output)."""
    from tuiphone.store.store import Store

    path = _db()
    if path.exists():
        store = Store(str(path))
        try:
            document = store.export_all()
        finally:
            store.close()
    else:
        document = {"format": "tuiphone-export", "calls": [], "messages": [],
                    "attachments": [], "counters": {}, "location_uses": []}
    document["files"] = [{"path": str(p), "bytes": p.stat().st_size} for p in _saved_files()]
    document["provisioning_consents"] = consent_records()
    if not args.out:
        return document
    out = Path(args.out).expanduser()
    fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(document, handle, indent=2, ensure_ascii=False)
        handle.write("\n")
    return {"written": str(out), "calls": len(document["calls"]),
            "messages": len(document["messages"]), "files": len(document["files"])}


def _saved_files() -> list[Path]:
    """Files in the files folder (received ones, and encrypted ones awaiting upload)."""
    folder = files_dir()
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.is_dir() else []


async def _erase(args: argparse.Namespace) -> dict[str, Any]:
    if not args.yes:
        what = f"everything kept about {args.peer}" if args.peer else "everything tuiphone keeps"
        raise UsageError(f"data erase deletes {what}; add --yes to do it")
    report = await asyncio.to_thread(_erase_files, args)
    if not args.peer:
        report["engine_told"] = await tell_engine()
    else:
        report["trace_records_removed"] = await _forget_in_trace(args)
    return report


async def _forget_in_trace(args: argparse.Namespace) -> int:
    """The peer's SIP messages out of the trace: through the running engine (its ring
    and its log file, whose appends it pauses meanwhile), else out of the log file."""
    from tuiphone.control import RemotePhone, socket_path
    from tuiphone.engine.tracefile import drop_peer
    from tuiphone.model.message import peer_key

    if socket_path().exists():
        try:
            phone = await asyncio.wait_for(RemotePhone.connect(socket_path()), 3.0)
        except (OSError, TimeoutError, TuiphoneError):
            pass  # a stale socket: no engine to ask
        else:
            try:
                return await phone.forget_peer(args.peer)
            finally:
                await phone.close()
    path = trace_log(args)
    try:
        return await asyncio.to_thread(drop_peer, path, peer_key(args.peer))
    except OSError as err:
        raise UsageError(f"SIP trace log {path}: {err.strerror}") from err


def _erase_files(args: argparse.Namespace) -> dict[str, Any]:
    from tuiphone.config.file_keys import FileKeyVault
    from tuiphone.contacts import drop_cache
    from tuiphone.engine.file_cleanup import remove_files
    from tuiphone.store.store import Store

    rows = files = 0
    if _db().exists():
        store = Store(str(_db()))
        try:
            if args.peer:
                files = remove_files(store.peer_attachments(args.peer), files_dir(),
                                     FileKeyVault())
            rows = store.erase_peer(args.peer) if args.peer else store.erase_all()
        finally:
            store.close()
    if args.peer:
        return {"rows_deleted": rows, "peer": args.peer, "files_removed": files}
    logs = sorted(state_dir().glob("tuiphone.log*"))
    removed = [str(p) for p in (trace_log(args), state_dir() / SHELL_HISTORY, *logs,
                                consent_file(), install_id_file()) if _unlink(p)]
    drop_cache(cache_dir() / "contacts")
    for folder in (data_dir() / "carddav", files_dir(), file_keys_dir()):
        if folder.exists():
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(str(folder))
    return {"rows_deleted": rows, "files_removed": removed,
            "contacts_cache": str(cache_dir() / "contacts")}


def _unlink(path: Path) -> bool:
    try:
        path.unlink()
    except FileNotFoundError:
        return False
    return True
