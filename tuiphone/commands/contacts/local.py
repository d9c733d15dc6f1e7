"""Reading the configured address books in the command's own process (no engine, no SIP).

The contacts commands load a ``ContactBook`` from the config file themselves, so they
work with or without a running engine and never start the SIP stack. Books are read
in a worker thread (parsing is CPU-bound; a CardDAV password_command may run).
"""

from __future__ import annotations

import argparse
import asyncio
from typing import TYPE_CHECKING

from tuiphone.commands.util import opt
from tuiphone.config import load_config
from tuiphone.config.schema import ContactsConfig
from tuiphone.model.errors import UsageError

if TYPE_CHECKING:
    from tuiphone.contacts import Contact, ContactBook

NO_BOOKS = ("no address book configured: set contacts.vdirs or add a [[contacts.carddav]] "
            "table in config.toml")


def contacts_config(args: argparse.Namespace) -> ContactsConfig:
    """The [contacts] section of the config named by --config. Raises ConfigError,
    UsageError when no book is configured."""
    config = load_config(opt(args, "config")).contacts
    if not config.vdirs and not config.carddav:
        raise UsageError(NO_BOOKS)
    return config


async def open_book(
    config: ContactsConfig, only: str | None = None, *, secrets: bool = False, load: bool = True
) -> ContactBook:
    """The configured book (optionally one source), loaded in a worker thread."""
    from tuiphone.commands.contacts.books import contacts_book

    def build() -> ContactBook:
        book = contacts_book(config, only, secrets=secrets)
        if load:
            book.load()
        return book

    return await asyncio.to_thread(build)


def card_text(contact: Contact) -> str:
    """The card for export: well-formed UTF-8, CRLF, folded, with its END:VCARD (the
    stored bytes may mix encodings and lack the END; see ``vcard.normal``)."""
    from tuiphone.contacts.vcard.normal import normalised

    return normalised(contact.card).decode("utf-8")
