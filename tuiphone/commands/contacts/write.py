"""contacts sync / import: the two commands that change the address books."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path
from typing import Any

from tuiphone.commands.contacts.local import contacts_config, open_book
from tuiphone.commands.contacts.notify import tell_engine
from tuiphone.commands.errors import with_result
from tuiphone.config.schema import ContactsConfig
from tuiphone.engine.contact_sync import sync_row
from tuiphone.model.contact import BookSync
from tuiphone.model.errors import UsageError


def _progress(source_id: str, progress: Any) -> None:
    total = f"/{progress.total}" if progress.total else ""
    print(f"{source_id}: {progress.phase} {progress.done}{total}", file=sys.stderr, flush=True)


async def sync(args: argparse.Namespace) -> list[BookSync]:
    """Sync one CardDAV book, or all. Progress goes to stderr. A failed book raises its
    DavError after the others synced (exit 5 network/TLS, 3 timeout, 1 otherwise)."""
    config = contacts_config(args)
    known = [b.id for b in config.carddav]
    if not known:
        raise UsageError("no CardDAV book configured: add a [[contacts.carddav]] table")
    if args.target is not None and args.target not in known:
        raise UsageError(f"no CardDAV book {args.target!r} (known: {', '.join(known)})")
    book = await open_book(config, args.target, secrets=True, load=False)
    results = await book.sync(_progress)
    await tell_engine()
    rows = [sync_row(source_id, outcome) for source_id, outcome in results.items()]
    for outcome in results.values():
        if isinstance(outcome, Exception):
            raise with_result(outcome, rows)
    return rows


async def import_file(args: argparse.Namespace) -> dict[str, Any]:
    """Copy every good card of FILE into the first configured vdir, one file each;
    skipped cards are warned about on stderr as ``file:line: why``."""
    if not args.target:
        raise UsageError("contacts import: give a .vcf FILE")
    config = contacts_config(args)
    if not config.vdirs:
        raise UsageError("contacts import needs a vdir to write to: set contacts.vdirs "
                         "in config.toml (CardDAV books are read only here)")
    result = await asyncio.to_thread(_import, config, Path(args.target))
    await tell_engine()
    return result


def _import(config: ContactsConfig, path: Path) -> dict[str, Any]:
    from tuiphone.commands.contacts.books import contacts_book
    from tuiphone.contacts import read_file

    path = path.expanduser()
    if not path.is_file():
        raise UsageError(f"contacts import: {path}: no such file")
    warnings = [str(w) for w in read_file(path, "import").warnings]
    for warning in warnings:
        print(f"tuiphone: warning: {warning}", file=sys.stderr)
    count = contacts_book(config, "vdir1", secrets=False).import_file(path, "vdir1")
    return {"imported": count, "book": "vdir1",
            "folder": config.vdirs[0], "warnings": warnings}
