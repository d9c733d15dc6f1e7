"""Request bodies and multistatus parsing, by namespace (servers differ in prefixes)."""

from __future__ import annotations

from dataclasses import dataclass, field
from xml.etree.ElementTree import Element
from xml.sax.saxutils import escape

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from tuiphone.contacts.errors import DavProtocolError

D = "{DAV:}"
CARD = "{urn:ietf:params:xml:ns:carddav}"
CS = "{http://calendarserver.org/ns/}"
_HEAD = '<?xml version="1.0" encoding="utf-8"?>\n'
_NS = 'xmlns:d="DAV:" xmlns:card="urn:ietf:params:xml:ns:carddav"'

PRINCIPAL = f"{_HEAD}<d:propfind {_NS}><d:prop><d:current-user-principal/></d:prop></d:propfind>"
HOME_SET = f"{_HEAD}<d:propfind {_NS}><d:prop><card:addressbook-home-set/></d:prop></d:propfind>"
BOOKS = (
    f'{_HEAD}<d:propfind {_NS} xmlns:cs="http://calendarserver.org/ns/"><d:prop>'
    "<d:resourcetype/><d:displayname/><d:sync-token/><cs:getctag/>"
    "<d:supported-report-set/></d:prop></d:propfind>"
)
ETAGS = (
    f"{_HEAD}<d:propfind {_NS}><d:prop><d:getetag/><d:getcontenttype/>"
    "<d:resourcetype/></d:prop></d:propfind>"
)
MKCOL = (
    f"{_HEAD}<d:mkcol {_NS}><d:set><d:prop><d:resourcetype><d:collection/>"
    "<card:addressbook/></d:resourcetype><d:displayname>{name}</d:displayname>"
    "</d:prop></d:set></d:mkcol>"
)


def multiget(hrefs: list[str]) -> str:
    refs = "".join(f"<d:href>{escape(h)}</d:href>" for h in hrefs)
    return (
        f"{_HEAD}<card:addressbook-multiget {_NS}><d:prop><d:getetag/>"
        f"<card:address-data/></d:prop>{refs}</card:addressbook-multiget>"
    )


def sync_collection(token: str) -> str:
    # Xandikos answers 400 without sync-level.
    return (
        f'{_HEAD}<d:sync-collection xmlns:d="DAV:"><d:sync-token>{escape(token)}'
        "</d:sync-token><d:sync-level>1</d:sync-level><d:prop><d:getetag/></d:prop>"
        "</d:sync-collection>"
    )


@dataclass(frozen=True, slots=True)
class DavResponse:
    """One ``<response>``: ``status`` is the response's own status (e.g. 404 for a
    deleted member) or the 200 propstat's; ``props`` maps Clark names of the
    properties found with 200 to their elements."""

    href: str
    status: int
    props: dict[str, Element] = field(default_factory=dict)

    def text(self, name: str) -> str:
        elem = self.props.get(name)
        return (elem.text or "").strip() if elem is not None else ""


@dataclass(frozen=True, slots=True)
class Multistatus:
    responses: list[DavResponse]
    sync_token: str = ""
    truncated: bool = False


def _status(elem: Element | None) -> int:
    text = (elem.text or "") if elem is not None else ""
    parts = text.split()
    return int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 0


def _response(elem: Element) -> DavResponse:
    href = (elem.findtext(f"{D}href") or "").strip()
    props: dict[str, Element] = {}
    status = _status(elem.find(f"{D}status"))
    for propstat in elem.findall(f"{D}propstat"):
        code = _status(propstat.find(f"{D}status"))
        if code == 200:
            status = status or 200
            for prop in propstat.findall(f"{D}prop/*"):
                props[prop.tag] = prop
        elif not status:
            status = code
    return DavResponse(href, status, props)


def parse_xml(content: bytes, what: str) -> Element:
    """Parse untrusted XML; raises DavProtocolError naming ``what`` on any problem."""
    try:
        root: Element = SafeET.fromstring(content)
    except (SafeET.ParseError, DefusedXmlException, ValueError) as err:
        raise DavProtocolError(f"{what}: the server sent malformed XML ({err})") from err
    return root


def parse_multistatus(content: bytes, what: str) -> Multistatus:
    root = parse_xml(content, what)
    if root.tag != f"{D}multistatus":
        raise DavProtocolError(f"{what}: expected a multistatus reply, got <{root.tag}>")
    responses = [_response(r) for r in root.findall(f"{D}response")]
    token = (root.findtext(f"{D}sync-token") or "").strip()
    truncated = any(r.status == 507 for r in responses)
    return Multistatus([r for r in responses if r.status != 507], token, truncated)


def has_error(content: bytes, name: str) -> bool:
    """True if ``content`` is a DAV:error body naming precondition ``name``."""
    try:
        root = SafeET.fromstring(content)
    except Exception:  # any unparsable body simply is not that error
        return name.encode() in content
    return root.find(f".//{D}{name}") is not None
