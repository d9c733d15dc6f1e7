"""Find a user's address books: well-known URL, principal, home set, listing."""

from __future__ import annotations

from dataclasses import dataclass

from tuiphone.contacts.dav import xml
from tuiphone.contacts.dav.client import DavClient
from tuiphone.contacts.dav.hrefs import norm, quote
from tuiphone.contacts.errors import DavAuthError, DavError


@dataclass(frozen=True, slots=True)
class AddressBookInfo:
    """One address book. ``url`` is absolute."""

    url: str
    name: str
    sync_token: str = ""
    ctag: str = ""
    supports_sync: bool = False


async def _href_prop(client: DavClient, href: str, body: str, prop: str) -> str | None:
    response = await client.xml("PROPFIND", href, body, "0", f"PROPFIND {prop}")
    status = xml.parse_multistatus(response.content, f"PROPFIND {href}")
    for item in status.responses:
        elem = item.props.get(prop)
        if elem is not None:
            found = elem.findtext(f"{xml.D}href")
            if found:
                return client.url(quote(norm(found)))
    return None


async def find_principal(client: DavClient) -> str:
    """The current-user-principal URL, trying ``/.well-known/carddav`` first."""
    for href in ("/.well-known/carddav", client.base):
        try:
            found = await _href_prop(client, href, xml.PRINCIPAL, f"{xml.D}current-user-principal")
        except DavAuthError:
            raise
        except DavError:
            continue
        if found:
            return found
    return client.base


def _book(client: DavClient, item: xml.DavResponse) -> AddressBookInfo | None:
    kind = item.props.get(f"{xml.D}resourcetype")
    if kind is None or kind.find(f"{xml.CARD}addressbook") is None:
        return None
    reports = item.props.get(f"{xml.D}supported-report-set")
    sync = reports is not None and reports.find(f".//{xml.D}sync-collection") is not None
    path = norm(item.href)
    return AddressBookInfo(
        url=client.url(quote(path if path.endswith("/") else path + "/")),
        name=item.text(f"{xml.D}displayname") or path.rstrip("/").rsplit("/", 1)[-1],
        sync_token=item.text(f"{xml.D}sync-token"),
        ctag=item.text(f"{xml.CS}getctag"),
        supports_sync=sync,
    )


async def list_books(client: DavClient, home: str) -> list[AddressBookInfo]:
    """Address books directly under ``home`` (or ``home`` itself if it is one)."""
    response = await client.xml("PROPFIND", home, xml.BOOKS, "1", "list address books")
    status = xml.parse_multistatus(response.content, f"PROPFIND {home}")
    books = [_book(client, item) for item in status.responses]
    return [b for b in books if b is not None]


async def discover(client: DavClient) -> list[AddressBookInfo]:
    """All address books of the configured user. Raises DavError subclasses."""
    principal = await find_principal(client)
    home = await _href_prop(client, principal, xml.HOME_SET, f"{xml.CARD}addressbook-home-set")
    books = await list_books(client, home or principal)
    if not books and (home or principal) != client.base:
        books = await list_books(client, client.base)
    return books
