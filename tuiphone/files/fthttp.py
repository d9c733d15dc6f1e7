"""The RCS FT-over-HTTP XML (``application/vnd.gsma.rcs-ft-http+xml``) as Linphone and
Flexisip write it: ``<file><file-info type="file">`` with ``file-size``, ``file-name``,
``content-type``, ``data url until``, and for encrypted files ``file-key`` and
``file-authTag`` (base64). Parsed by local names (Linphone adds namespaces), with
defusedxml: the body is untrusted."""

from __future__ import annotations

import base64
import binascii
import re
from xml.etree.ElementTree import Element

from tuiphone.files.crypto import FileKey
from tuiphone.files.errors import BadFile
from tuiphone.files.offer import FileOffer

NS = "urn:gsma:params:xml:ns:rcs:rcs:fthttp"
MAX_XML = 8192
_KEYS = re.compile(r"(<(?:\w+:)?file-(?:key|authTag)>)[^<]*(</)|"
                   r'("encryption-key"\s*:\s*")[^"]*(")')
HIDDEN = "[hidden]"


def hide_keys(text: str) -> str:
    """``text`` (a SIP message) with file keys and tags replaced: for the SIP trace,
    which is shown, streamed and may be written to a file."""
    if "file-key" not in text and "encryption-key" not in text:
        return text
    return _KEYS.sub(lambda m: f"{m[1] or m[3]}{HIDDEN}{m[2] or m[4]}", text)


def build(offer: FileOffer) -> str:
    """The MESSAGE body for ``offer``; key and tag only when it is encrypted."""
    from xml.sax.saxutils import escape, quoteattr  # it imports urllib.request: ~9 ms

    secret = ""
    if offer.key is not None:
        secret = (f"<file-key>{_b64(offer.key.material)}</file-key>"
                  f"<file-authTag>{_b64(offer.key.tag)}</file-authTag>")
    until = f" until={quoteattr(offer.until)}" if offer.until else ""
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<file xmlns="{NS}">\n'
            f'<file-info type="file">\n<file-size>{offer.size}</file-size>\n'
            f"<file-name>{escape(offer.filename)}</file-name>\n"
            f"<content-type>{escape(offer.content_type)}</content-type>\n"
            f"<data url={quoteattr(offer.url)}{until}/>\n{secret}</file-info>\n</file>\n")


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
    info = next((e for e in root.iter() if _local(e) == "file-info"
                 and e.get("type", "file") == "file"), None)
    if info is None:
        raise BadFile("file-transfer description without a file")
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
