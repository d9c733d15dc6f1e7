"""contacts: search, show, lookup, sync, import and export the address books.

These run in the command's own process and read the books from the config file
(see ``contacts_book``): no engine and no SIP stack is needed. Contacts stay local;
only ``sync`` talks to the network, and only to the CardDAV servers configured.
"""

from __future__ import annotations

import argparse
from collections.abc import Awaitable, Callable
from typing import Any

from tuiphone.commands import contacts_read, contacts_write
from tuiphone.commands.spec import Command, arg
from tuiphone.engine.api import PhoneApi

_ACTIONS: dict[str, Callable[[argparse.Namespace], Awaitable[Any]]] = {
    "search": contacts_read.search,
    "show": contacts_read.show,
    "lookup": contacts_read.lookup,
    "sync": contacts_write.sync,
    "import": contacts_write.import_file,
    "export": contacts_read.export,
}

DETAILS = """actions:
  search [TEXT]          contacts matching every word (exit 1 if none)
  show ID                one contact in full (ID from search)
  lookup NUMBER_OR_URI   the contact owning a number or SIP URI (exit 1 if none)
  sync [BOOK]            sync CardDAV books, progress on stderr (exit 5 network/TLS)
  import FILE            copy a .vcf file's cards into the first vdir
  export                 every card to stdout (--format vcf|json)"""


async def contacts(phone: PhoneApi, args: argparse.Namespace) -> Any:
    """``phone`` is unused: the books are read from the config (a local command)."""
    return await _ACTIONS[args.action](args)


COMMANDS = (
    Command("contacts", "search, show, look up, sync, import and export contacts", contacts,
            local=True, details=DETAILS, args=(
                arg("action", choices=tuple(_ACTIONS), metavar="ACTION",
                    complete=tuple(_ACTIONS),
                    help="search, show, lookup, sync, import or export"),
                arg("target", nargs="?", default=None, metavar="ARG",
                    help="TEXT, ID, NUMBER_OR_URI, BOOK or FILE, by action"),
                arg("--format", choices=("vcf", "json"), default="vcf",
                    help="export format (default vcf; --json implies json)"),
                arg("--limit", type=int, default=50, metavar="N",
                    help="search: at most N contacts"))),
)
