"""contacts search / show / lookup / export: reading the address books."""

from __future__ import annotations

import argparse
import asyncio
import dataclasses

from tuiphone.commands.contacts.local import card_text, contacts_config, open_book
from tuiphone.commands.errors import ExpectationFailed
from tuiphone.commands.output import Verbatim
from tuiphone.commands.util import opt
from tuiphone.engine.contact_data import (
    address_books,
    contact_details,
    contact_summary,
    find_by_id,
)
from tuiphone.model.codec import dumps
from tuiphone.model.contact import AddressBook, ContactDetails, ContactSummary
from tuiphone.model.errors import UsageError


def _needs(args: argparse.Namespace, what: str) -> str:
    value: str | None = args.target
    if not value:
        raise UsageError(f"contacts {args.action}: give {what}")
    return value


async def search(args: argparse.Namespace) -> list[ContactSummary]:
    """Exit 1 when nothing matches (the empty list is still printed)."""
    book = await open_book(contacts_config(args))
    text = args.target or ""
    found = [contact_summary(c) for c in book.search(text, args.limit)]
    if not found:
        raise ExpectationFailed(f"no contact matches {text!r}", result=[])
    return found


async def show(args: argparse.Namespace) -> ContactDetails:
    wanted = _needs(args, "a contact ID (from 'contacts search')")
    book = await open_book(contacts_config(args))
    found = find_by_id(book.index.contacts, wanted)
    if found is None:
        raise ExpectationFailed(f"no contact with ID {wanted!r}")
    return contact_details(found)


async def lookup(args: argparse.Namespace) -> ContactSummary:
    wanted = _needs(args, "a number or SIP URI")
    book = await open_book(contacts_config(args))
    found = book.lookup(wanted)
    if found is None:
        raise ExpectationFailed(f"no contact owns {wanted!r}")
    return contact_summary(found)


async def export(args: argparse.Namespace) -> Verbatim | list[ContactDetails]:
    """vCard (UTF-8, one well-formed card per contact) or, with --format json or --json,
    plain data."""
    book = await open_book(contacts_config(args))
    contacts = book.index.contacts
    if opt(args, "json"):
        return [contact_details(c) for c in contacts]
    if args.format == "json":
        rows = [contact_details(c) for c in contacts]
        return Verbatim(dumps(rows, indent=2) + "\n")
    return Verbatim("".join(card_text(c) for c in contacts))


async def books(args: argparse.Namespace) -> list[AddressBook]:
    """Every configured book: kind, where it lives, how many contacts, when a CardDAV
    book last synced (its offline copy's state file, written after each sync)."""
    book = await open_book(contacts_config(args))
    found = await asyncio.to_thread(address_books, book)
    return [dataclasses.replace(b, writable=None) for b in found]  # places, as it always said

