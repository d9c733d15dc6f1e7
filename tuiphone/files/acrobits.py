"""Acrobits' ``application/x-acro-filetransfer+json`` (receive only): an optional
``body`` and a list of ``attachments`` with ``content-url`` (required), ``content-type``
(default image/jpeg), ``content-size``, ``filename``, ``encryption-key`` (hex AES-CTR
key, 128/192/256 bits, all-zero counter block) and ``hash`` (CRC32 of the plaintext,
a decimal string)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from tuiphone.files.crypto import FileKey
from tuiphone.files.errors import BadFile
from tuiphone.files.offer import FileOffer

MAX_JSON = 16384


@dataclass(frozen=True, slots=True)
class AcroMessage:
    body: str
    offers: tuple[FileOffer, ...]


def parse(text: str) -> AcroMessage:
    """Raises BadFile for anything unusable."""
    if len(text) > MAX_JSON:
        raise BadFile(f"file-transfer description of {len(text)} characters is too long")
    try:
        doc = json.loads(text)
    except ValueError as err:
        raise BadFile(f"file-transfer description is not JSON: {err}") from None
    items = doc.get("attachments") if isinstance(doc, dict) else None
    if not isinstance(items, list) or not items:
        raise BadFile("file-transfer description without attachments")
    body = doc.get("body")
    return AcroMessage(body if isinstance(body, str) else "",
                       tuple(_offer(item) for item in items))


def _offer(item: Any) -> FileOffer:
    if not isinstance(item, dict):
        raise BadFile("an attachment is not an object")
    url = item.get("content-url")
    if not isinstance(url, str) or not url.startswith(("http://", "https://")):
        raise BadFile("an attachment without an http(s) content-url")
    size = item.get("content-size")
    ctype = item.get("content-type")
    name = item.get("filename")
    return FileOffer(url=url, size=size if isinstance(size, int) and size >= 0 else 0,
                     content_type=ctype if isinstance(ctype, str) and ctype else "image/jpeg",
                     filename=name if isinstance(name, str) else "", key=_key(item))


def _key(item: dict[str, Any]) -> FileKey | None:
    crc = _crc(item.get("hash"))
    hex_key = item.get("encryption-key")
    if not hex_key:
        return FileKey("plain", b"", crc=crc) if crc is not None else None
    try:
        material = bytes.fromhex(str(hex_key))
    except ValueError:
        raise BadFile("encryption-key is not hex") from None
    if len(material) not in (16, 24, 32):
        raise BadFile(f"encryption-key of {len(material) * 8} bits (128, 192 or 256 expected)")
    return FileKey("ctr", material, crc=crc)


def _crc(value: Any) -> int | None:
    if value is None or value == "":
        return None
    try:
        return int(str(value)) & 0xFFFFFFFF
    except ValueError:
        raise BadFile(f"hash {str(value)[:20]!r} is not a decimal CRC32") from None
