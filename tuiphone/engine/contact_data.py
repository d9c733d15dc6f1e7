"""Contacts as plain data for front ends and the control socket, and back again.

Everything here is JSON-safe: front ends (in-process or over the socket) see the same
dicts. ``edit_from_fields`` turns what an editor sends into a ``ContactEdit``, keeping
the types and labels of entries the user did not change so only edited lines are
rewritten.
"""

from __future__ import annotations

import base64
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from tuiphone.model.errors import UsageError

if TYPE_CHECKING:
    from tuiphone.contacts import Contact, ContactEdit

# the fields an editor may send; lists are lists of strings
EDITABLE = (
    "fn", "org", "note", "birthday", "phones", "emails", "sips", "categories", "photo"
)
MAX_PHOTO_BYTES = 1_000_000  # vCards travel whole on every sync: keep photos small
_TEXT = ("fn", "org", "note", "birthday")
LIST_FIELDS = ("phones", "emails", "sips", "categories")
_LISTS = LIST_FIELDS


def find_by_id(contacts: Iterable[Contact], contact_id: str) -> Contact | None:
    """The contact whose ``key`` (the ``id`` of summaries) is ``contact_id``."""
    return next((c for c in contacts if c.key == contact_id), None)


def contact_summary(contact: Contact) -> dict[str, Any]:
    """What lists and caller ID need: id, name, org, numbers, sips, emails, book."""
    return {
        "id": contact.key,
        "name": contact.display_name,
        "org": contact.org,
        "numbers": [p.number for p in contact.phones],
        "sips": list(contact.sips),
        "emails": [e.address for e in contact.emails],
        "book": contact.origin.book,
        "has_photo": contact.has_photo,
    }


def _address(adr: Any) -> dict[str, Any]:
    return {
        "lines": adr.lines(),
        "types": sorted(adr.types),
        "label": adr.label,
        "country_code": adr.country_code,
    }


def contact_details(contact: Contact, writable: bool | None = None) -> dict[str, Any]:
    """Every field: the summary plus the rest of the card (``contacts show``, the pane)."""
    out = {
        **contact_summary(contact),
        "fn": contact.fn,
        "nickname": contact.nickname,
        "title": contact.title,
        "phones": [{"number": p.number, "kind": p.kind} for p in contact.phones],
        "email_kinds": [e.label or ",".join(sorted(e.types)) for e in contact.emails],
        "addresses": [_address(a) for a in contact.addresses],
        "birthday": contact.birthday.text if contact.birthday else "",
        "gender": " ".join(filter(None, (contact.gender.sex, contact.gender.identity)))
        if contact.gender else "",
        "categories": list(contact.categories),
        "note": contact.note,
        "uid": contact.uid,
        "rev": contact.rev,
        "version": contact.version,
        "file": contact.origin.path,
    }
    if writable is not None:
        out["writable"] = writable
    return out


def photo_payload(contact: Contact) -> dict[str, str] | None:
    """The PHOTO as ``{"mime", "data" (base64)}``, a URL as ``{"mime": "url", "url"}``
    (never fetched), or None when there is none or it is corrupt."""
    photo = contact.photo()
    if photo is None:
        return None
    mime, data = photo
    if isinstance(data, str):
        return {"mime": "url", "url": data}
    return {"mime": mime, "data": base64.b64encode(data).decode("ascii")}


def photo_from_payload(payload: Mapping[str, Any] | None) -> tuple[str, bytes] | tuple[str, str]:
    """The inverse of ``photo_payload`` for renderers; ("", b"") for none."""
    if not payload:
        return ("", b"")
    if payload.get("mime") == "url":
        return ("url", str(payload.get("url", "")))
    try:
        return (str(payload.get("mime", "")), base64.b64decode(str(payload.get("data", ""))))
    except ValueError:
        return ("", b"")


def _strings(name: str, value: object) -> list[str]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, Sequence) or not all(isinstance(v, str) for v in value):
        raise UsageError(f"contact field {name!r} must be a list of strings")
    return [v.strip() for v in value if v.strip()]


def check_fields(fields: Mapping[str, Any]) -> None:
    """Raise UsageError for unknown fields or wrong types (before touching any file)."""
    unknown = sorted(set(fields) - set(EDITABLE))
    if unknown:
        raise UsageError(f"unknown contact field(s): {', '.join(unknown)}; "
                         f"editable: {', '.join(EDITABLE)}")
    for name in _TEXT:
        if name in fields and not isinstance(fields[name], str):
            raise UsageError(f"contact field {name!r} must be text")
    for name in _LISTS:
        if name in fields:
            _strings(name, fields[name])
    if "photo" in fields:
        _photo(fields["photo"])


def _photo(value: object) -> tuple[str, bytes]:
    """``{"mime": "image/...", "data": base64}`` -> (mime, bytes); None or "" -> remove."""
    if value in (None, "", {}):
        return ("", b"")
    if not isinstance(value, Mapping):
        raise UsageError('contact field "photo" must be {"mime": ..., "data": base64} or ""')
    mime = str(value.get("mime", ""))
    if not mime.startswith("image/"):
        raise UsageError(f"photo: {mime or 'no type'} is not an image type")
    try:
        data = base64.b64decode(str(value.get("data", "")), validate=True)
    except ValueError:
        raise UsageError("photo: data is not valid base64") from None
    if not data:
        raise UsageError("photo: no data")
    if len(data) > MAX_PHOTO_BYTES:
        raise UsageError(f"photo: {len(data)} bytes; at most {MAX_PHOTO_BYTES} (scale it down)")
    return (mime, data)


def photo_field(data: bytes, name: str = "") -> dict[str, str]:
    """The ``photo`` field for image bytes (a file's); the type from its first bytes."""
    return {"mime": sniff_image(data) or _by_suffix(name),
            "data": base64.b64encode(data).decode("ascii")}


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


def edit_from_fields(fields: Mapping[str, Any], contact: Contact | None = None) -> ContactEdit:
    """A ContactEdit for the fields given (others left alone). Phones and emails that
    match an existing entry keep its types, label and preference."""
    from tuiphone.contacts import ContactEdit, Email, Phone

    check_fields(fields)
    values: dict[str, Any] = {k: fields[k].strip() for k in _TEXT if k in fields}
    if "phones" in fields:
        old = {p.number: p for p in contact.phones} if contact else {}
        values["phones"] = [old.get(n) or Phone(n) for n in _strings("phones", fields["phones"])]
    if "emails" in fields:
        olde = {e.address: e for e in contact.emails} if contact else {}
        values["emails"] = [olde.get(a) or Email(a) for a in _strings("emails", fields["emails"])]
    for name in ("sips", "categories"):
        if name in fields:
            values[name] = _strings(name, fields[name])
    if "photo" in fields:
        values["photo"] = _photo(fields["photo"])
    if "fn" in values and not values["fn"] and contact is not None:
        raise UsageError("a contact needs a name")
    return ContactEdit(**values)
