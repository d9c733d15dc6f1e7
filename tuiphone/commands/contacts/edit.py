"""contacts add / edit / delete: change one card, in the command's own process.

The card is written back to its vdir (atomically, only edited lines changed) or its
CardDAV book (ETag-guarded: a card changed meanwhile is a conflict, nothing is
overwritten). A running engine is then asked to re-read the books at once.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from tuiphone.commands.contacts.local import contacts_config, open_book
from tuiphone.commands.contacts.notify import tell_engine
from tuiphone.commands.errors import ExpectationFailed
from tuiphone.engine.contact_data import contact_details, find_by_id
from tuiphone.engine.contact_fields import (
    EDITABLE,
    LIST_FIELDS,
    edit_from_fields,
    photo_field,
)
from tuiphone.model.contact import ContactDetails, ContactFields, ContactPhoto
from tuiphone.model.errors import UsageError


def parse_sets(pairs: list[str] | None) -> ContactFields:
    """``--set field=value`` pairs as editor fields. A list field (phones, emails, sips,
    categories) given several times collects every value; an empty value clears it."""
    fields: dict[str, Any] = {}
    for pair in pairs or ():
        name, eq, value = pair.partition("=")
        name = name.strip().lower()
        if not eq or name not in EDITABLE:
            raise UsageError(f"--set {pair!r}: expected FIELD=VALUE, FIELD one of "
                             f"{', '.join(EDITABLE)}")
        if name in LIST_FIELDS:
            fields[name] = fields.get(name, ()) + ((value,) if value.strip() else ())
        elif name == "photo":
            fields[name] = _photo_file(value.strip())
        else:
            fields[name] = value
    return ContactFields(**fields)


def _photo_file(value: str) -> ContactPhoto:
    """``photo=@FILE`` reads an image file; ``photo=`` removes the photo."""
    if not value:
        return ContactPhoto()
    if not value.startswith("@"):
        raise UsageError("--set photo=@FILE sets the photo from an image file; photo= removes it")
    path = Path(value[1:]).expanduser()
    try:
        data = path.read_bytes()
    except OSError as err:
        raise UsageError(f"photo: {path}: {err.strerror}") from None
    return photo_field(data, path.name)


async def add(args: argparse.Namespace) -> ContactDetails:
    """New card in BOOK (--book, default the first vdir or CardDAV book)."""
    fields = parse_sets(args.set)
    if not (fields.fn or "").strip():
        raise UsageError("contacts add: give a name with --set fn=NAME")
    config = contacts_config(args)
    book = await open_book(config, secrets=True)
    target = args.book or next((s for s in book.source_ids() if book.writable(s)), None)
    if target is None or not book.writable(target):
        raise UsageError(f"contacts add: no writable address book {target or ''}".strip())
    created = await book.create(target, edit_from_fields(fields))
    await tell_engine()
    return contact_details(created, True)


async def edit(args: argparse.Namespace) -> ContactDetails:
    if not args.target:
        raise UsageError("contacts edit: give a contact ID (from 'contacts search')")
    fields = parse_sets(args.set)
    if not fields.given():
        raise UsageError("contacts edit: nothing to change; use --set FIELD=VALUE")
    book = await open_book(contacts_config(args), secrets=True)
    contact = _find(book, args.target)
    saved = await book.save(contact, edit_from_fields(fields, contact))
    await tell_engine()
    return contact_details(saved, True)


async def delete(args: argparse.Namespace) -> dict[str, Any]:
    if not args.target:
        raise UsageError("contacts delete: give a contact ID (from 'contacts search')")
    book = await open_book(contacts_config(args), secrets=True)
    contact = _find(book, args.target)
    await book.delete(contact)
    await tell_engine()
    return {"deleted": contact.key, "name": contact.display_name, "book": contact.origin.book}


def _find(book: Any, wanted: str) -> Any:
    found = find_by_id(book.index.contacts, wanted)
    if found is None:
        raise ExpectationFailed(f"no contact with ID {wanted!r}")
    return found
