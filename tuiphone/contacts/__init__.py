"""Contacts: vCard files, vdir folders, CardDAV books, search and caller ID.

No Textual, prompt_toolkit or pjsua2 here. Typical use by the engine::

    from tuiphone.contacts import ContactBook, VdirSource, CardDavSource, DavSettings

    book = ContactBook([VdirSource("home", Path("~/.contacts/home").expanduser()),
                        CardDavSource("work", DavSettings(url, user, secret),
                                      cache_dir=data_dir / "carddav" / "work")],
                       region="DE", cache_dir=cache_dir / "contacts")  # None: no cache
    warnings = await asyncio.to_thread(book.load)      # CPU-bound: use a thread
    book.drop_cache()            # privacy erase: delete the warm-start cache files
    drop_cache(cache_dir / "contacts")  # the same without a ContactBook
    book.search("jo sm", limit=20)  -> list[Contact]   # per keystroke, ~1 ms on 10k
    book.lookup('"Bob" <sip:+4930123@pbx>')  -> Contact | None   # caller ID
    results = await book.sync(progress=lambda source_id, p: ...)  # CardDAV sources
    saved = await book.save(contact, ContactEdit(fn="New Name"))  # patches one line
    # ContactEdit also takes name, org, note, birthday, phones, emails, sips,
    # categories, photo=(mime, bytes) (("", b"") removes it).
    new = await book.create("home", ContactEdit(fn="X", phones=(Phone("030 1"),)))
    await book.delete(contact)
    book.import_file(Path("export.vcf"), "home")

``Contact`` (frozen): ``display_name``, ``fn``, ``name`` (N parts), ``nickname``,
``org``, ``title``, ``phones`` (``Phone.number/types/label/pref/kind``),
``emails``, ``sips`` (``sip:`` URIs), ``addresses``, ``birthday`` (year may be
None), ``gender``, ``categories``, ``note``, ``uid``, ``rev``, ``version``,
``origin`` (book id, file path, CardDAV href), ``key`` (stable id) and
``photo()`` → ``(mime, bytes)`` | ``("url", url)`` (never fetched) | None.

``ContactIndex.build(contacts, region)`` gives ``search``/``lookup``/``lookup_all``
without a book. ``parse_bytes``/``read_file``/``read_vdir`` read cards directly.

``ReachabilityCache(probe)`` (Smart Contacts, pure part): ``await cache.check(uri)``
probes through an injected ``async probe(uri) -> bool`` (e.g. SIP OPTIONS via the
engine), rate-limited and expiring; ``cache.get(uri)`` never probes.

Errors: every exception is a ``ContactsError`` (a ``TuiphoneError``):
``ConflictError`` (card changed on the server/disk: nothing was overwritten),
``DavAuthError``, ``DavTimeout``, ``DavConnectionError`` (also TLS trust),
``DavHttpError`` (``.status``), ``DavProtocolError``, ``VdirError``, ``EditError``.
Bad cards never raise: they become ``ParseWarning(source, line, message)``.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tuiphone.contacts.book import ContactBook
    from tuiphone.contacts.contact import Contact, Origin
    from tuiphone.contacts.dav.client import DavSettings
    from tuiphone.contacts.dav.discovery import AddressBookInfo
    from tuiphone.contacts.dav.sync import SyncProgress, SyncReport
    from tuiphone.contacts.editing import ContactEdit
    from tuiphone.contacts.errors import (
        ConflictError,
        ContactsError,
        DavAuthError,
        DavConnectionError,
        DavError,
        DavHttpError,
        DavProtocolError,
        DavTimeout,
        EditError,
        ParseWarning,
        VdirError,
    )
    from tuiphone.contacts.fields import Address, Birthday, Email, Gender, Name, Phone
    from tuiphone.contacts.index import ContactIndex
    from tuiphone.contacts.persist.erase import drop_cache
    from tuiphone.contacts.reachability import Reachability, ReachabilityCache
    from tuiphone.contacts.reader import ReadResult, parse_bytes, read_file
    from tuiphone.contacts.sources import CardDavSource, FileSource, Source, VdirSource
    from tuiphone.contacts.vdir import read_vdir

# Names load on first use: the engine and the one-shot CLI import this package for
# one helper and must not pay for httpx, phonenumbers and the DAV client.
_WHERE = {
    "Address": "tuiphone.contacts.fields",
    "AddressBookInfo": "tuiphone.contacts.dav.discovery",
    "Birthday": "tuiphone.contacts.fields",
    "CardDavSource": "tuiphone.contacts.sources",
    "ConflictError": "tuiphone.contacts.errors",
    "Contact": "tuiphone.contacts.contact",
    "ContactBook": "tuiphone.contacts.book",
    "ContactEdit": "tuiphone.contacts.editing",
    "ContactIndex": "tuiphone.contacts.index",
    "ContactsError": "tuiphone.contacts.errors",
    "DavAuthError": "tuiphone.contacts.errors",
    "DavConnectionError": "tuiphone.contacts.errors",
    "DavError": "tuiphone.contacts.errors",
    "DavHttpError": "tuiphone.contacts.errors",
    "DavProtocolError": "tuiphone.contacts.errors",
    "DavSettings": "tuiphone.contacts.dav.client",
    "DavTimeout": "tuiphone.contacts.errors",
    "EditError": "tuiphone.contacts.errors",
    "Email": "tuiphone.contacts.fields",
    "FileSource": "tuiphone.contacts.sources",
    "Gender": "tuiphone.contacts.fields",
    "Name": "tuiphone.contacts.fields",
    "Origin": "tuiphone.contacts.contact",
    "ParseWarning": "tuiphone.contacts.errors",
    "Phone": "tuiphone.contacts.fields",
    "Reachability": "tuiphone.contacts.reachability",
    "ReachabilityCache": "tuiphone.contacts.reachability",
    "ReadResult": "tuiphone.contacts.reader",
    "Source": "tuiphone.contacts.sources",
    "SyncProgress": "tuiphone.contacts.dav.sync",
    "SyncReport": "tuiphone.contacts.dav.sync",
    "VdirError": "tuiphone.contacts.errors",
    "VdirSource": "tuiphone.contacts.sources",
    "drop_cache": "tuiphone.contacts.persist.erase",
    "parse_bytes": "tuiphone.contacts.reader",
    "read_file": "tuiphone.contacts.reader",
    "read_vdir": "tuiphone.contacts.vdir",
}

__all__ = [
    "Address",
    "AddressBookInfo",
    "Birthday",
    "CardDavSource",
    "ConflictError",
    "Contact",
    "ContactBook",
    "ContactEdit",
    "ContactIndex",
    "ContactsError",
    "DavAuthError",
    "DavConnectionError",
    "DavError",
    "DavHttpError",
    "DavProtocolError",
    "DavSettings",
    "DavTimeout",
    "EditError",
    "Email",
    "FileSource",
    "Gender",
    "Name",
    "Origin",
    "ParseWarning",
    "Phone",
    "Reachability",
    "ReachabilityCache",
    "ReadResult",
    "Source",
    "SyncProgress",
    "SyncReport",
    "VdirError",
    "VdirSource",
    "drop_cache",
    "parse_bytes",
    "read_file",
    "read_vdir",
]


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_WHERE))
