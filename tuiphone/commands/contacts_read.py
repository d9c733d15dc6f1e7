"""contacts search / show / lookup / export: reading the address books."""

from __future__ import annotations

import argparse
import json
from typing import Any

from tuiphone.commands.contacts_book import card_text, contacts_config, details, open_book
from tuiphone.commands.errors import ExpectationFailed
from tuiphone.commands.output import Verbatim
from tuiphone.commands.util import opt
from tuiphone.engine.callerid import contact_summary
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
    for contact in book.index.contacts:
        if contact.key == wanted:
            return details(contact)
    raise ExpectationFailed(f"no contact with ID {wanted!r}")


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
        return [details(c) for c in contacts]
    if args.format == "json":
        rows = [details(c) for c in contacts]
        return Verbatim(json.dumps(rows, indent=2, ensure_ascii=False) + "\n")
    return Verbatim("".join(card_text(c) for c in contacts))
