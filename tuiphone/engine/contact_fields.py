"""What an editor sends (``ContactFields``), checked and turned into a card edit.

``edit_from_fields`` keeps the types and labels of phones and emails the user did not
change, so only edited lines of the card are rewritten. The checks matter most for
fields decoded from a control-socket request, which no type checker has seen.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import fields as dataclass_fields
from typing import TYPE_CHECKING, Any

from tuiphone.model.contact import ContactFields, ContactPhoto
from tuiphone.model.errors import UsageError
from tuiphone.model.postal import parse_postal_line

if TYPE_CHECKING:
    from tuiphone.contacts import Contact, ContactEdit
    from tuiphone.contacts.fields import Address

EDITABLE = tuple(f.name for f in dataclass_fields(ContactFields))
MAX_PHOTO_BYTES = 1_000_000  # vCards travel whole on every sync: keep photos small
TEXT_FIELDS = ("fn", "nickname", "title", "org", "note", "birthday", "gender")
LIST_FIELDS = ("phones", "emails", "sips", "categories", "addresses")
_SEXES = frozenset("MFONU")


def _strings(name: str, value: object) -> list[str]:
    if not isinstance(value, tuple | list) or not all(isinstance(v, str) for v in value):
        raise UsageError(f"contact field {name!r} must be a list of strings")
    return [v.strip() for v in value if v.strip()]


def check_fields(fields: ContactFields) -> None:
    """Raise UsageError for wrong types or a bad photo (before touching any file)."""
    for name in TEXT_FIELDS:
        value = getattr(fields, name)
        if value is not None and not isinstance(value, str):
            raise UsageError(f"contact field {name!r} must be text")
    for name in LIST_FIELDS:
        value = getattr(fields, name)
        if value is not None:
            _strings(name, value)
    if fields.photo is not None:
        _photo(fields.photo)
    for line in _strings("addresses", fields.addresses or ()):
        parse_postal_line(line)


def gender_value(text: str) -> str:
    """The vCard GENDER value of what the editor shows: "F", "O non-binary" (a sex
    letter M F O N U, then an identity) or free text alone (an identity)."""
    from tuiphone.contacts.vcard.text import escape

    text = " ".join(text.split())
    first, _, rest = text.partition(" ")
    if len(first) == 1 and first.upper() in _SEXES:
        return first.upper() + (f";{escape(rest)}" if rest else "")
    return f";{escape(text)}" if text else ""


def _addresses(lines: object, contact: Contact | None) -> list[Address]:
    """Address values for the editor's lines; an unchanged one keeps its label."""
    from tuiphone.contacts.fields import Address

    old = {(a.parts, a.types): a for a in (contact.addresses if contact else ())}
    out = []
    for line in _strings("addresses", lines):
        parts, types = parse_postal_line(line)
        fresh = Address.of_parts(parts, frozenset(types))
        out.append(old.get((fresh.parts, fresh.types)) or fresh)
    return out


def _photo(photo: object) -> tuple[str, bytes]:
    """An image photo -> (mime, bytes); the empty photo -> ("", b""): remove."""
    if not isinstance(photo, ContactPhoto):
        raise UsageError('contact field "photo" must be {"mime": ..., "data": base64}')
    if photo.empty:
        return ("", b"")
    if not photo.mime.startswith("image/"):
        raise UsageError(f"photo: {photo.mime or 'no type'} is not an image type")
    try:
        data = base64.b64decode(photo.data, validate=True)
    except (binascii.Error, ValueError):
        raise UsageError("photo: data is not valid base64") from None
    if not data:
        raise UsageError("photo: no data")
    if len(data) > MAX_PHOTO_BYTES:
        raise UsageError(f"photo: {len(data)} bytes; at most {MAX_PHOTO_BYTES} (scale it down)")
    return (photo.mime, data)


def photo_field(data: bytes, name: str = "") -> ContactPhoto:
    """The ``photo`` field for image bytes (a file's); the type from its first bytes,
    else the file name ('' when neither says: not an image)."""
    return ContactPhoto.image(sniff_image(data) or _by_suffix(name), data)


def sniff_image(data: bytes) -> str:
    """The MIME type of JPEG, PNG, GIF or WebP bytes, else ''."""
    signatures = ((b"\xff\xd8\xff", "image/jpeg"), (b"\x89PNG\r\n\x1a\n", "image/png"),
                  (b"GIF8", "image/gif"))
    for magic, mime in signatures:
        if data.startswith(magic):
            return mime
    return "image/webp" if data[:4] == b"RIFF" and data[8:12] == b"WEBP" else ""


def _by_suffix(name: str) -> str:
    suffix = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    return {"jpg": "image/jpeg", "jpeg": "image/jpeg", "png": "image/png",
            "gif": "image/gif", "webp": "image/webp"}.get(suffix, "")


def edit_from_fields(fields: ContactFields, contact: Contact | None = None) -> ContactEdit:
    """A ContactEdit for the fields given (others left alone). Phones and emails that
    match an existing entry keep its types, label and preference."""
    from tuiphone.contacts import ContactEdit, Email, Phone

    check_fields(fields)
    values: dict[str, Any] = {
        k: v.strip() for k in TEXT_FIELDS if (v := getattr(fields, k)) is not None
    }
    if "gender" in values:
        values["gender"] = gender_value(values["gender"])
    if fields.addresses is not None:
        values["addresses"] = _addresses(fields.addresses, contact)
    if fields.phones is not None:
        old = {p.number: p for p in contact.phones} if contact else {}
        values["phones"] = [old.get(n) or Phone(n) for n in _strings("phones", fields.phones)]
    if fields.emails is not None:
        olde = {e.address: e for e in contact.emails} if contact else {}
        values["emails"] = [olde.get(a) or Email(a) for a in _strings("emails", fields.emails)]
    for name in ("sips", "categories"):
        if (value := getattr(fields, name)) is not None:
            values[name] = _strings(name, value)
    if fields.photo is not None:
        values["photo"] = _photo(fields.photo)
    if "fn" in values and not values["fn"] and contact is not None:
        raise UsageError("a contact needs a name")
    return ContactEdit(**values)
