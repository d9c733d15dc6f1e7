"""Cards as the model's contact values: what front ends and the control socket see.

Front ends (in-process or over the socket) get the same ``tuiphone.model.contact``
values; ``tuiphone contacts ... --json`` prints them too. What an editor sends back
is handled in ``contact_fields``.
"""

from __future__ import annotations

import base64
import os
from collections import Counter
from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from tuiphone.model.contact import (
    AddressBook,
    BookKind,
    ContactDetails,
    ContactPhoto,
    ContactSummary,
    PhoneNumber,
    PostalAddress,
)

if TYPE_CHECKING:
    from tuiphone.contacts import Address, Contact, ContactBook, Source


def find_by_id(contacts: Iterable[Contact], contact_id: str) -> Contact | None:
    """The contact whose ``key`` (the ``id`` of summaries) is ``contact_id``."""
    return next((c for c in contacts if c.key == contact_id), None)


def _summary_fields(contact: Contact) -> dict[str, Any]:
    return {
        "id": contact.key,
        "name": contact.display_name,
        "org": contact.org,
        "numbers": tuple([p.number for p in contact.phones]),
        "sips": contact.sips,
        "emails": tuple([e.address for e in contact.emails]),
        "book": contact.origin.book,
        "has_photo": contact.has_photo,
    }


def contact_summary(contact: Contact) -> ContactSummary:
    """What lists and caller ID need: id, name, org, numbers, sips, emails, book."""
    return ContactSummary(**_summary_fields(contact))


def _address(adr: Address) -> PostalAddress:
    parts = (adr.pobox, adr.extended, adr.street, adr.locality, adr.region, adr.code,
             adr.country)
    return PostalAddress(tuple(adr.lines()), tuple(sorted(adr.types)), adr.label,
                         adr.country_code, parts)


def contact_details(contact: Contact, writable: bool | None = None) -> ContactDetails:
    """Every field: the summary plus the rest of the card (``contacts show``, the pane)."""
    gender = contact.gender
    return ContactDetails(
        **_summary_fields(contact),
        fn=contact.fn,
        nickname=contact.nickname,
        title=contact.title,
        phones=tuple([PhoneNumber(p.number, p.kind) for p in contact.phones]),
        email_kinds=tuple([e.label or ",".join(sorted(e.types)) for e in contact.emails]),
        addresses=tuple([_address(a) for a in contact.addresses]),
        birthday=contact.birthday.text if contact.birthday else "",
        gender=" ".join(filter(None, (gender.sex, gender.identity))) if gender else "",
        categories=contact.categories,
        note=contact.note,
        uid=contact.uid,
        rev=contact.rev,
        version=contact.version,
        file=contact.origin.path,
        writable=writable,
    )


def photo_of(contact: Contact) -> ContactPhoto | None:
    """The PHOTO (decoded now: call off the loop for big cards), a URL as
    ``mime="url"`` (never fetched here), or None when there is none or it is corrupt."""
    photo = contact.photo()
    if photo is None:
        return None
    mime, data = photo
    if isinstance(data, str):
        return ContactPhoto("url", url=data)
    return ContactPhoto(mime, base64.b64encode(data).decode("ascii"))


def address_books(book: ContactBook) -> list[AddressBook]:
    """Every configured book in config order with its kind, place, count and last sync.
    Reads each CardDAV book's state file (written after every sync): call in a thread."""
    counts = Counter(c.origin.book for c in book.index.contacts)
    return [_address_book(s, counts[s.id], book.writable(s.id)) for s in book.sources()]


def _address_book(source: Source, count: int, writable: bool) -> AddressBook:
    from tuiphone.contacts.sources import CardDavSource, VdirSource

    if isinstance(source, CardDavSource):
        synced = _mtime(source.cache_dir / "state.json")
        last = _when(synced) if synced is not None else "never"
        return AddressBook(source.id, BookKind.CARDDAV, source.settings.url, count, last,
                           writable)
    kind = BookKind.VDIR if isinstance(source, VdirSource) else BookKind.FILE
    return AddressBook(source.id, kind, str(source.path), count, "", writable)


def _mtime(path: os.PathLike[str]) -> float | None:
    try:
        return os.stat(path).st_mtime
    except OSError:
        return None


def _when(stamp: float) -> str:
    return datetime.fromtimestamp(stamp).astimezone().isoformat(timespec="seconds")
