"""Card-level CardDAV operations on one address book."""

from __future__ import annotations

from dataclasses import dataclass, field

import httpx

from tuiphone.contacts.dav import xml
from tuiphone.contacts.dav.client import DavClient, status_error
from tuiphone.contacts.dav.hrefs import norm, quote, same_collection
from tuiphone.contacts.errors import ConflictError, DavProtocolError, InvalidSyncToken

_VCARD = {"Content-Type": "text/vcard; charset=utf-8"}
_REFUSED_TOKEN = (403, 409, 412)


class SyncUnsupported(Exception):
    """The server does not do RFC 6578 sync-collection on this book."""


@dataclass(frozen=True, slots=True)
class SyncDelta:
    """``changed`` maps hrefs to ETags ('' when the server sent none)."""

    changed: dict[str, str] = field(default_factory=dict)
    deleted: list[str] = field(default_factory=list)
    token: str = ""


async def list_etags(client: DavClient, book: str) -> dict[str, str]:
    """href → ETag of every card in the book (PROPFIND Depth 1)."""
    response = await client.xml("PROPFIND", book, xml.ETAGS, "1", "list cards")
    status = xml.parse_multistatus(response.content, f"PROPFIND {book}")
    out: dict[str, str] = {}
    for item in status.responses:
        kind = item.props.get(f"{xml.D}resourcetype")
        if same_collection(item.href, book) or (kind is not None and len(kind)):
            continue
        if item.status == 200:
            out[norm(item.href)] = item.text(f"{xml.D}getetag")
    return out


async def multiget(
    client: DavClient, book: str, hrefs: list[str]
) -> tuple[dict[str, tuple[str, bytes]], list[str]]:
    """(href → (etag, vCard bytes)) for the cards found, and the hrefs that are gone."""
    body = xml.multiget([quote(h) for h in hrefs])
    response = await client.xml("REPORT", book, body, "1", "fetch cards")
    status = xml.parse_multistatus(response.content, f"REPORT multiget {book}")
    found: dict[str, tuple[str, bytes]] = {}
    for item in status.responses:
        data = item.props.get(f"{xml.CARD}address-data")
        if item.status == 200 and data is not None:
            found[norm(item.href)] = (item.text(f"{xml.D}getetag"), (data.text or "").encode())
    return found, [h for h in hrefs if h not in found]


def _sync_refused(response: httpx.Response, token: str) -> bool:
    code = response.status_code
    if 400 <= code < 500 and xml.has_error(response.content, "valid-sync-token"):
        return True
    return bool(token) and code in _REFUSED_TOKEN


async def sync_collection(client: DavClient, book: str, token: str) -> SyncDelta:
    """Changes since ``token`` ('' = everything). Raises InvalidSyncToken when the
    token is refused and SyncUnsupported when the server cannot sync at all."""
    delta = SyncDelta(token=token)
    for _ in range(100):  # a server truncating with 507 wants to be asked again
        response = await client.request(
            "REPORT", book, xml.sync_collection(delta.token), {"Depth": "0"}
        )
        if response.status_code != 207:
            if _sync_refused(response, delta.token):
                raise InvalidSyncToken(f"{book}: sync token refused", response.status_code)
            if response.status_code in (400, 403, 404, 405, 415, 422, 501):
                raise SyncUnsupported(response.status_code)
            raise status_error(response, "sync")
        status = xml.parse_multistatus(response.content, f"REPORT sync-collection {book}")
        _merge(delta, status, book)
        if not status.sync_token:
            raise DavProtocolError(f"{book}: sync reply without a sync-token")
        delta = SyncDelta(delta.changed, delta.deleted, status.sync_token)
        if not status.truncated:
            return delta
    raise DavProtocolError(f"{book}: the server keeps truncating the sync reply")


def _merge(delta: SyncDelta, status: xml.Multistatus, book: str) -> None:
    for item in status.responses:
        href = norm(item.href)
        if same_collection(href, book):
            continue  # iCloud lists the collection itself
        if item.status == 404:
            delta.changed.pop(href, None)
            delta.deleted.append(href)
        elif item.status == 200:
            delta.changed[href] = item.text(f"{xml.D}getetag")
            if href in delta.deleted:
                delta.deleted.remove(href)


async def get_card(client: DavClient, href: str) -> tuple[str, bytes]:
    """(etag, body) of one card."""
    response = await client.request("GET", quote(href))
    if response.status_code != 200:
        raise status_error(response, "read card")
    return str(response.headers.get("etag", "")), response.content


async def put_card(client: DavClient, href: str, data: bytes, etag: str | None) -> str:
    """Create (``etag`` None: fails if it exists) or update (only if the server still
    has ``etag``). Returns the new ETag or ''. Raises ConflictError on 412."""
    guard = {"If-None-Match": "*"} if etag is None else ({"If-Match": etag} if etag else {})
    response = await client.request("PUT", quote(href), data, {**_VCARD, **guard})
    if response.status_code not in (200, 201, 204):
        raise status_error(response, "save card")
    return str(response.headers.get("etag", ""))


async def delete_card(client: DavClient, href: str, etag: str) -> None:
    """Delete if unchanged since ``etag``; a card already gone is fine."""
    response = await client.request("DELETE", quote(href), None, {"If-Match": etag} if etag else {})
    if response.status_code == 412:
        raise ConflictError(f"{client.url(href)}: changed on the server; not deleted")
    if response.status_code not in (200, 204, 404):
        raise status_error(response, "delete card")


async def make_book(client: DavClient, href: str, name: str) -> None:
    """Create an address book (extended MKCOL, RFC 5689)."""
    response = await client.request("MKCOL", href, xml.MKCOL.replace("{name}", name))
    if response.status_code not in (200, 201):
        raise status_error(response, "create address book")
