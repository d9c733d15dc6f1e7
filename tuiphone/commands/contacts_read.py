"""contacts search / show / lookup / export: reading the address books."""

from __future__ import annotations

import argparse
import asyncio
import json
from collections import Counter
from datetime import datetime
from pathlib import Path
from typing import Any

from tuiphone.commands.contacts_book import card_text, contacts_config, open_book
from tuiphone.commands.errors import ExpectationFailed
from tuiphone.commands.output import Verbatim
from tuiphone.commands.util import opt
from tuiphone.config.schema import ContactsConfig
from tuiphone.engine.contact_data import contact_details, contact_summary, find_by_id
from tuiphone.model.errors import UsageError


def _needs(args: argparse.Namespace, what: str) -> str:
    value: str | None = args.target
    if not value:
        raise UsageError(f"contacts {args.action}: give {what}")
    return value


async def search(args: argparse.Namespace) -> list[dict[str, Any]]:
    """Exit 1 when nothing matches (the empty list is still printed)."""
    book = await open_book(contacts_config(args))
    text = args.target or ""
    found = [contact_summary(c) for c in book.search(text, args.limit)]
    if not found:
        raise ExpectationFailed(f"no contact matches {text!r}", result=[])
    return found


async def show(args: argparse.Namespace) -> dict[str, Any]:
    wanted = _needs(args, "a contact ID (from 'contacts search')")
    book = await open_book(contacts_config(args))
    found = find_by_id(book.index.contacts, wanted)
    if found is None:
        raise ExpectationFailed(f"no contact with ID {wanted!r}")
    return contact_details(found)


async def lookup(args: argparse.Namespace) -> dict[str, Any]:
    wanted = _needs(args, "a number or SIP URI")
    book = await open_book(contacts_config(args))
    found = book.lookup(wanted)
    if found is None:
        raise ExpectationFailed(f"no contact owns {wanted!r}")
    return contact_summary(found)


async def export(args: argparse.Namespace) -> Verbatim | list[dict[str, Any]]:
    """vCard (the cards as stored) or, with --format json or --json, plain data."""
    book = await open_book(contacts_config(args))
    contacts = book.index.contacts
    if opt(args, "json"):
        return [contact_details(c) for c in contacts]
    if args.format == "json":
        rows = [contact_details(c) for c in contacts]
        return Verbatim(json.dumps(rows, indent=2, ensure_ascii=False) + "\n")
    return Verbatim("".join(card_text(c) for c in contacts))


async def books(args: argparse.Namespace) -> list[dict[str, Any]]:
    """Every configured book: kind, where it lives, how many contacts, when a CardDAV
    book last synced (its offline copy's state file, written after each sync)."""
    config = contacts_config(args)
    book = await open_book(config)
    counts = Counter(c.origin.book for c in book.index.contacts)
    return await asyncio.to_thread(_book_rows, config, counts)


def _book_rows(config: ContactsConfig, counts: Counter[str]) -> list[dict[str, Any]]:
    from tuiphone.commands.books import book_folders

    rows: list[dict[str, Any]] = [
        {"book": f"vdir{i}", "kind": "vdir", "where": str(Path(p).expanduser()),
         "contacts": counts.get(f"vdir{i}", 0), "last_sync": ""}
        for i, p in enumerate(config.vdirs, 1)
    ]
    folders = book_folders(config)[len(config.vdirs):]
    for dav, folder in zip(config.carddav, folders, strict=False):
        state = folder / "state.json"
        synced = state.stat().st_mtime if state.exists() else None
        rows.append({"book": dav.id, "kind": "carddav", "where": dav.url,
                     "contacts": counts.get(dav.id, 0),
                     "last_sync": _when(synced) if synced else "never"})
    return rows


def _when(stamp: float) -> str:
    return datetime.fromtimestamp(stamp).astimezone().isoformat(timespec="seconds")
