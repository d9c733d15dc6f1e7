"""The RCS FT-over-HTTP XML (``application/vnd.gsma.rcs-ft-http+xml``) as Linphone and
Flexisip write it: ``<file><file-info type="file">`` with ``file-size``, ``file-name``,
``content-type``, ``data url until``, and for encrypted files ``file-key`` and
``file-authTag`` (base64). An image may come with the optional RCC.07 thumbnail before
it: ``<file-info type="thumbnail">`` with ``file-size``, ``content-type`` and ``data url
until`` (plus its own ``file-key``/``file-authTag`` when encrypted, as for the file;
liblinphone reads only the first ``type="file"`` and skips it). Parsed by local names
(Linphone adds namespaces), with defusedxml: the body is untrusted."""

from __future__ import annotations

import base64
import binascii
from dataclasses import replace
from xml.etree.ElementTree import Element

from tuiphone.files.crypto import FileKey
from tuiphone.files.errors import BadFile
from tuiphone.files.offer import FileOffer

NS = "urn:gsma:params:xml:ns:rcs:rcs:fthttp"
MAX_XML = 8192


def build(offer: FileOffer) -> str:
    """The MESSAGE body for ``offer`` (its thumbnail first, as RCC.07 orders them); key
    and tag only when it is encrypted."""
    from xml.sax.saxutils import escape  # it imports urllib.request: ~9 ms

    thumb = offer.thumbnail
    thumb_xml = "" if thumb is None else (
        f'<file-info type="thumbnail">\n<file-size>{thumb.size}</file-size>\n'
        f"<content-type>{escape(thumb.content_type)}</content-type>\n"
        f"{_data(thumb)}{_secret(thumb)}</file-info>\n")
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<file xmlns="{NS}">\n{thumb_xml}'
            f'<file-info type="file">\n<file-size>{offer.size}</file-size>\n'
            f"<file-name>{escape(offer.filename)}</file-name>\n"
            f"<content-type>{escape(offer.content_type)}</content-type>\n"
            f"{_data(offer)}{_secret(offer)}</file-info>\n</file>\n")


def _data(offer: FileOffer) -> str:
    from xml.sax.saxutils import quoteattr

    until = f" until={quoteattr(offer.until)}" if offer.until else ""
    return f"<data url={quoteattr(offer.url)}{until}/>\n"


def _secret(offer: FileOffer) -> str:
    if offer.key is None:
        return ""
    return (f"<file-key>{_b64(offer.key.material)}</file-key>"
            f"<file-authTag>{_b64(offer.key.tag)}</file-authTag>")


def parse(body: str) -> FileOffer:
    """The first ``file-info type="file"``. Raises BadFile for anything unusable."""
    if len(body) > MAX_XML:
        raise BadFile(f"file-transfer description of {len(body)} characters is too long")
    import defusedxml.ElementTree as SafeET
    from defusedxml import DefusedXmlException

    try:
        root = SafeET.fromstring(body)
    except (SafeET.ParseError, DefusedXmlException, ValueError) as err:
        raise BadFile(f"file-transfer description is not usable XML: {err}") from None
    info = _info(root, "file")
    if info is None:
        raise BadFile("file-transfer description without a file")
    offer = _offer(info)
    thumb = _info(root, "thumbnail")
    try:
        small = None if thumb is None else _offer(thumb)
    except BadFile:
        small = None  # a thumbnail is optional: a broken one is left out, not the file
    if small is not None and small.content_type.startswith("image/"):
        offer = replace(offer, thumbnail=replace(small, filename=""))
    return offer


def _info(root: Element, kind: str) -> Element | None:
    return next((e for e in root.iter() if _local(e) == "file-info"
                 and e.get("type", "file") == kind), None)


def _offer(info: Element) -> FileOffer:
    fields = {_local(e): e for e in info}
    data = fields.get("data")
    url = data.get("url", "") if data is not None else ""
    if not url.startswith(("http://", "https://")):
        raise BadFile(f"file-transfer description without an http(s) URL ({url[:60]!r})")
    return FileOffer(url=url, size=_size(_text(fields, "file-size")),
                     content_type=_text(fields, "content-type") or "application/octet-stream",
                     filename=_text(fields, "file-name"), key=_key(fields),
                     until=data.get("until", "") if data is not None else "")


def _key(fields: dict[str, Element]) -> FileKey | None:
    material = _text(fields, "file-key")
    if not material:
        return None
    return FileKey("gcm", _unb64(material, "file-key"), _unb64(_text(fields, "file-authTag"),
                                                                "file-authTag"))


def _local(element: Element) -> str:
    return str(element.tag).rsplit("}", 1)[-1]


def _text(fields: dict[str, Element], name: str) -> str:
    element = fields.get(name)
    return (element.text or "").strip() if element is not None else ""


def _size(text: str) -> int:
    try:
        return max(int(text), 0)
    except ValueError:
        return 0


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str, what: str) -> bytes:
    try:
        return base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError):
        raise BadFile(f"{what} is not base64") from None
