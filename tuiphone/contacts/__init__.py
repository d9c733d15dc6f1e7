"""Contacts: vCard files, vdir folders, CardDAV books, search and caller ID.

No Textual, prompt_toolkit or pjsua2 here. Typical use by the engine::

    from tuiphone.contacts import ContactBook, VdirSource, CardDavSource, DavSettings

    book = ContactBook([VdirSource("home", Path("~/.contacts/home").expanduser()),
                        CardDavSource("work", DavSettings(url, user, secret),
                                      cache_dir=data_dir / "carddav" / "work")],
                       region="DE")
    warnings = await asyncio.to_thread(book.load)      # CPU-bound: use a thread
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
from tuiphone.contacts.reachability import Reachability, ReachabilityCache
from tuiphone.contacts.reader import ReadResult, parse_bytes, read_file
from tuiphone.contacts.sources import CardDavSource, FileSource, Source, VdirSource
from tuiphone.contacts.vdir import read_vdir

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
    "parse_bytes",
    "read_file",
    "read_vdir",
]
