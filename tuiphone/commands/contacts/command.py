"""contacts: search, show, lookup, sync, import and export the address books.

These run in the command's own process and read the books from the config file
(see ``local``): no engine and no SIP stack is needed. Contacts stay local;
only ``sync`` talks to the network, and only to the CardDAV servers configured.
"""

from __future__ import annotations

import argparse
from collections.abc import Awaitable, Callable
from typing import Any

from tuiphone.commands.contacts import edit, read, write
from tuiphone.engine.api import PhoneApi

_ACTIONS: dict[str, Callable[[argparse.Namespace], Awaitable[Any]]] = {
    "search": read.search,
    "show": read.show,
    "lookup": read.lookup,
    "sync": write.sync,
    "import": write.import_file,
    "export": read.export,
    "add": edit.add,
    "edit": edit.edit,
    "delete": edit.delete,
    "books": read.books,
}


async def contacts(phone: PhoneApi, args: argparse.Namespace) -> Any:
    """``phone`` is unused: the books are read from the config (a local command)."""
    return await _ACTIONS[args.action](args)
