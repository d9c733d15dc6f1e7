"""contacts: search, show, lookup, sync, import and export the address books.

These run in the command's own process and read the books from the config file
(see ``contacts_book``): no engine and no SIP stack is needed. Contacts stay local;
only ``sync`` talks to the network, and only to the CardDAV servers configured.
"""

from __future__ import annotations

import argparse
from collections.abc import Awaitable, Callable
from typing import Any

from tuiphone.commands import contacts_edit, contacts_read, contacts_write
from tuiphone.engine.api import PhoneApi

_ACTIONS: dict[str, Callable[[argparse.Namespace], Awaitable[Any]]] = {
    "search": contacts_read.search,
    "show": contacts_read.show,
    "lookup": contacts_read.lookup,
    "sync": contacts_write.sync,
    "import": contacts_write.import_file,
    "export": contacts_read.export,
    "add": contacts_edit.add,
    "edit": contacts_edit.edit,
    "delete": contacts_edit.delete,
    "books": contacts_read.books,
}


async def contacts(phone: PhoneApi, args: argparse.Namespace) -> Any:
    """``phone`` is unused: the books are read from the config (a local command)."""
    return await _ACTIONS[args.action](args)
