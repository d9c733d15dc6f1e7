"""Lazy PHOTO decoding: v3 ``ENCODING=b``, v2.1 BASE64, v4 ``data:`` URIs, URLs.

Remote photos are never fetched; a URL comes back as ``("url", url)``.
"""

from __future__ import annotations

import base64
import binascii
import re
import urllib.parse

from tuiphone.contacts.vcard.prop import Property

PhotoData = tuple[str, bytes]
PhotoUrl = tuple[str, str]

_WS = re.compile(r"\s+")
_MIME = {"jpeg": "image/jpeg", "jpg": "image/jpeg", "png": "image/png", "gif": "image/gif"}


def _b64(text: str) -> bytes | None:
    try:
        return base64.b64decode(_WS.sub("", text), validate=True)
    except (binascii.Error, ValueError):
        return None


def _data_uri(value: str) -> PhotoData | None:
    head, comma, payload = value[5:].partition(",")
    if not comma:
        return None
    parts = head.split(";")
    mime = parts[0] or "text/plain"
    data = _b64(payload) if "base64" in parts[1:] else urllib.parse.unquote_to_bytes(payload)
    return None if not data else (mime, data)


def _mime(prop: Property) -> str:
    kind = next(iter(sorted(prop.types)), "")
    if "/" in kind:
        return kind
    return _MIME.get(kind, f"image/{kind}" if kind else "application/octet-stream")


def decode_photo(prop: Property, value: str) -> PhotoData | PhotoUrl | None:
    """(mime, bytes), ("url", url), or None when the data is missing or corrupt.
    ``value`` is the property's full value (``Card.value_of(prop)``)."""
    value = value.strip()
    if value[:5].lower() == "data:":
        return _data_uri(value)
    encoding = {e.lower() for e in prop.param("ENCODING")}
    if encoding & {"b", "base64"}:
        data = _b64(value)
        return None if not data else (_mime(prop), data)
    if "://" in value[:12]:
        return ("url", value)
    return None


def photo_line(mime: str, data: bytes, version: str) -> str:
    """A PHOTO line (unfolded) in the card version's own form: a ``data:`` URI for
    4.0, ``ENCODING=b`` for 3.0 (which vobject-based servers such as Radicale
    keep, unlike 4.0 data URIs), ``ENCODING=BASE64`` for 2.1."""
    payload = base64.b64encode(data).decode("ascii")
    if version.startswith("4"):
        return f"PHOTO:data:{mime};base64,{payload}"
    subtype = mime.rsplit("/", 1)[-1].upper() or "JPEG"
    encoding = "BASE64" if version.startswith("2") else "b"
    return f"PHOTO;ENCODING={encoding};TYPE={subtype}:{payload}"
