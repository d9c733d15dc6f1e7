"""The Contact value type the rest of tuiphone sees."""

from __future__ import annotations

from dataclasses import dataclass

from tuiphone.contacts.fields import Address, Birthday, Email, Gender, Name, Phone
from tuiphone.contacts.photo import PhotoData, PhotoUrl, decode_photo
from tuiphone.contacts.vcard.card import Card


@dataclass(frozen=True, slots=True)
class Origin:
    """Where a card lives: ``book`` id, file ``path``, and for CardDAV its ``href``."""

    book: str
    path: str
    href: str = ""


@dataclass(frozen=True, slots=True)
class Contact:
    """One card's fields, decoded. ``card`` holds the original bytes for editing.

    ``sips`` are ``sip:``/``sips:`` URIs from IMPP, X-SIP and ``TEL:sip:``.
    ``uid`` may be '' for cards that have none (vdir files without UID).
    ``card`` is kept slim (bytes only) to save memory; ``card.parsed()`` has the lines.
    """

    uid: str
    display_name: str
    name: Name
    fn: str
    nickname: str
    org: str
    title: str
    phones: tuple[Phone, ...]
    emails: tuple[Email, ...]
    sips: tuple[str, ...]
    addresses: tuple[Address, ...]
    birthday: Birthday | None
    gender: Gender | None
    categories: tuple[str, ...]
    note: str
    rev: str
    version: str
    card: Card
    origin: Origin
    has_photo: bool = False

    @property
    def key(self) -> str:
        """A stable id within one book: the UID, else path and card offset."""
        return self.uid or f"{self.origin.path}#{self.card.offset}"

    def photo(self) -> PhotoData | PhotoUrl | None:
        """Decode the first PHOTO now: (mime, bytes), ("url", url) or None if absent/corrupt."""
        card = self.card.parsed()
        for prop in card.props:
            if prop.name == "PHOTO":
                return decode_photo(prop, card.value_of(prop))
        return None
