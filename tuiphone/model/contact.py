"""Contacts as they cross the engine API: summaries, details, photos, address books,
sync results and the fields an editor may change.

The engine builds them from the address book's cards (``tuiphone.engine.contact_data``);
``tuiphone.model.codec`` turns them into JSON and back, in the shapes
``tuiphone contacts ... --json`` prints.
"""

from __future__ import annotations

import base64
import binascii
import enum
from dataclasses import dataclass, field, fields

from tuiphone.model.postal import postal_line
from tuiphone.model.value import SPARSE


@dataclass(frozen=True, slots=True, kw_only=True)
class ContactSummary:
    """What lists and caller ID need. ``id`` is stable within a book: the card's UID,
    else its file and offset (``search``/``lookup`` give it; ``contact`` takes it)."""

    id: str
    name: str
    org: str = ""
    numbers: tuple[str, ...] = ()
    sips: tuple[str, ...] = ()  # sip:/sips: URIs
    emails: tuple[str, ...] = ()
    book: str = ""  # the address book's id (AddressBook.book)
    has_photo: bool = False

    def dial_targets(self) -> tuple[str, ...]:
        """What can be dialled: SIP URIs first, then numbers."""
        return self.sips + self.numbers


@dataclass(frozen=True, slots=True)
class PhoneNumber:
    number: str
    kind: str = ""  # the card's label, else its most telling type (cell, work...), else ''


@dataclass(frozen=True, slots=True)
class PostalAddress:
    lines: tuple[str, ...] = ()  # street, locality..., without empty parts
    types: tuple[str, ...] = ()  # sorted vCard TYPEs (home, work...)
    label: str = ""
    country_code: str = ""  # ISO 3166 alpha-2, '' when unknown
    # the ADR components as on the card: pobox, extended, street, locality, region,
    # code, country (what the editor shows and writes back; ``lines`` is for reading)
    parts: tuple[str, ...] = field(default=(), metadata=SPARSE)


@dataclass(frozen=True, slots=True, kw_only=True)
class ContactDetails(ContactSummary):
    """Every field of one card: the summary and the rest (``contacts show``, the card
    in the Contacts pane, the editor's starting point)."""

    fn: str = ""
    nickname: str = ""
    title: str = ""
    phones: tuple[PhoneNumber, ...] = ()
    email_kinds: tuple[str, ...] = ()  # one per ``emails`` entry: label or types
    addresses: tuple[PostalAddress, ...] = ()
    birthday: str = ""  # as written on the card (the year may be missing)
    gender: str = ""
    categories: tuple[str, ...] = ()
    note: str = ""
    uid: str = ""
    rev: str = ""
    version: str = ""  # vCard version: 2.1, 3.0, 4.0
    file: str = ""  # the card's file (a vdir's, or the CardDAV book's offline copy)
    writable: bool | None = field(default=None, metadata=SPARSE)  # None: not asked


@dataclass(frozen=True, slots=True)
class ContactPhoto:
    """A contact's PHOTO: an image (``mime`` image/..., ``data`` base64) or a link
    (``mime`` "url" and ``url``; fetched only with contacts.fetch_remote_photos).
    ``ContactPhoto()`` is no photo: in ``ContactFields`` it removes the card's."""

    mime: str = ""
    data: str = field(default="", metadata=SPARSE)
    url: str = field(default="", metadata=SPARSE)

    @classmethod
    def image(cls, mime: str, data: bytes) -> ContactPhoto:
        return cls(mime, base64.b64encode(data).decode("ascii"))

    @property
    def empty(self) -> bool:
        return not (self.mime or self.data or self.url)

    def decoded(self) -> tuple[str, bytes] | tuple[str, str]:
        """(mime, bytes) for an image, ("url", url) for a link, ("", b"") for broken
        base64 (the form of ``Contact.photo()``, which the avatar renderers take)."""
        if self.mime == "url":
            return ("url", self.url)
        try:
            return (self.mime, base64.b64decode(self.data))
        except (binascii.Error, ValueError):
            return ("", b"")


class BookKind(enum.Enum):
    VDIR = "vdir"  # a folder of .vcf files (khard/vdirsyncer), read and written
    CARDDAV = "carddav"  # a CardDAV book, kept in a local offline copy
    FILE = "file"  # one .vcf file, read only


@dataclass(frozen=True, slots=True)
class AddressBook:
    """One configured address book, in config order (vdirs, then CardDAV books)."""

    book: str  # id: vdir1, vdir2... or the [[contacts.carddav]] id
    kind: BookKind
    where: str  # the folder, file or URL
    contacts: int = 0  # how many were read from it
    last_sync: str = ""  # CardDAV: local ISO 8601 time of the last sync, or "never"
    writable: bool | None = field(default=None, metadata=SPARSE)  # None: not asked


@dataclass(frozen=True, slots=True)
class BookSync:
    """One CardDAV book's sync: ``ok`` with what changed, or not ``ok`` with ``error``."""

    book: str
    ok: bool
    fetched: int | None = field(default=None, metadata=SPARSE)
    deleted: int | None = field(default=None, metadata=SPARSE)
    full: bool | None = field(default=None, metadata=SPARSE)  # a full listing, not RFC 6578
    error: str | None = field(default=None, metadata=SPARSE)

    @classmethod
    def done(cls, book: str, fetched: int, deleted: int, full: bool) -> BookSync:
        return cls(book, True, fetched, deleted, full)

    @classmethod
    def failed(cls, book: str, error: str) -> BookSync:
        return cls(book, False, error=error)


@dataclass(frozen=True, slots=True, kw_only=True)
class ContactFields:
    """What ``save_contact`` and ``create_contact`` change; None leaves a field alone.
    Lists replace the whole list, but entries equal to existing ones keep their vCard
    types and lines. ``photo`` sets the picture; ``ContactPhoto()`` removes it."""

    fn: str | None = field(default=None, metadata=SPARSE)
    nickname: str | None = field(default=None, metadata=SPARSE)
    title: str | None = field(default=None, metadata=SPARSE)
    org: str | None = field(default=None, metadata=SPARSE)
    note: str | None = field(default=None, metadata=SPARSE)
    birthday: str | None = field(default=None, metadata=SPARSE)  # YYYY-MM-DD or --MMDD
    phones: tuple[str, ...] | None = field(default=None, metadata=SPARSE)
    emails: tuple[str, ...] | None = field(default=None, metadata=SPARSE)
    sips: tuple[str, ...] | None = field(default=None, metadata=SPARSE)
    categories: tuple[str, ...] | None = field(default=None, metadata=SPARSE)
    # "F", "O non-binary" (M F O N U, then free text), or free text alone
    gender: str | None = field(default=None, metadata=SPARSE)
    # one line each: "home: street; city; region; postal code; country" (model.postal)
    addresses: tuple[str, ...] | None = field(default=None, metadata=SPARSE)
    photo: ContactPhoto | None = field(default=None, metadata=SPARSE)

    @classmethod
    def of(cls, contact: ContactDetails) -> ContactFields:
        """Every editable field as the card has it (the photo left alone)."""
        phones = tuple(p.number for p in contact.phones) or contact.numbers
        return cls(fn=contact.fn or contact.name, nickname=contact.nickname,
                   title=contact.title, org=contact.org, note=contact.note,
                   birthday=contact.birthday, phones=phones, emails=contact.emails,
                   sips=contact.sips, categories=contact.categories, gender=contact.gender,
                   addresses=tuple(postal_line(a.parts, a.types) for a in contact.addresses
                                   if a.parts))

    def given(self) -> dict[str, object]:
        """The fields that are set (not None), by name."""
        return {f.name: v for f in fields(self) if (v := getattr(self, f.name)) is not None}

    def changed_from(self, before: ContactFields) -> ContactFields:
        """Only the fields that differ from ``before``."""
        return ContactFields(**{k: v for k, v in self.given().items()  # type: ignore[arg-type]
                                if getattr(before, k) != v})

    def without_blanks(self) -> ContactFields:
        """Blank text, empty lists and an empty photo left out (for a new contact)."""
        def blank(value: object) -> bool:
            return value in ("", ()) or (isinstance(value, ContactPhoto) and value.empty)

        return ContactFields(**{k: v for k, v in self.given().items()  # type: ignore[arg-type]
                                if not blank(v)})
