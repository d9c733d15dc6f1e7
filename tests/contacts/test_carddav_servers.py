"""CardDAV contract tests against real Radicale and Xandikos servers."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.contacts import servers
from tests.contacts.servers import Server
from tuiphone.contacts.dav import ops
from tuiphone.contacts.dav.book import CardDavBook
from tuiphone.contacts.dav.client import DavClient
from tuiphone.contacts.dav.discovery import discover
from tuiphone.contacts.dav.hrefs import norm
from tuiphone.contacts.dav.sync import SyncProgress
from tuiphone.contacts.editing import ContactEdit, new_card
from tuiphone.contacts.errors import ConflictError, DavAuthError


def card(uid: str, fn: str, extra: str = "") -> bytes:
    return (
        f"BEGIN:VCARD\r\nVERSION:3.0\r\nUID:{uid}\r\nFN:{fn}\r\nN:{fn};;;;\r\n"
        f"TEL:+1 415 555 01{uid[-2:]}\r\n{extra}END:VCARD\r\n"
    ).encode()


async def seed(server: Server, book_url: str, *uids: str) -> dict[str, str]:
    """Another client uploads cards; returns href -> etag."""
    async with DavClient(servers.settings(server)) as client:
        for uid in uids:
            await ops.put_card(
                client, f"{norm(book_url)}{uid}.vcf", card(uid, f"Person {uid}"), None
            )
        return await ops.list_etags(client, book_url)


def make_book(server: Server, book_url: str, tmp_path: Path) -> CardDavBook:
    # Configured without the trailing slash, as users type it.
    return CardDavBook("dav", servers.settings(server), tmp_path / "cache", book_url.rstrip("/"))


def names(book: CardDavBook) -> list[str]:
    return sorted(c.display_name for c in book.load().contacts)


async def test_discovery_finds_the_book(dav_server: Server, book_url: str) -> None:
    async with DavClient(servers.settings(dav_server)) as client:
        books = await discover(client)
    found = [b for b in books if norm(b.url) == norm(book_url)]
    assert len(found) == 1
    assert found[0].name == "Test book"
    assert found[0].supports_sync


async def test_full_then_incremental_sync(
    dav_server: Server, book_url: str, tmp_path: Path
) -> None:
    await seed(dav_server, book_url, "u01", "u02", "u03")
    book = make_book(dav_server, book_url, tmp_path)
    seen: list[SyncProgress] = []
    first = await book.sync(seen.append)
    assert (first.full, first.fetched, first.deleted) == (True, 3, 0)
    assert [p.phase for p in seen][0] == "listing"
    assert seen[-1] == SyncProgress("done", 3, 3)
    assert names(book) == ["Person u01", "Person u02", "Person u03"]

    base = norm(book_url)
    etags = await seed(dav_server, book_url, "u04")
    async with DavClient(servers.settings(dav_server)) as client:
        href = f"{base}u02.vcf"
        await ops.put_card(client, href, card("u02", "Renamed"), etags[href])
        await ops.delete_card(client, f"{base}u03.vcf", etags[f"{base}u03.vcf"])
    second = await book.sync()
    assert (second.full, second.fetched, second.deleted) == (False, 2, 1)
    assert names(book) == ["Person u01", "Person u04", "Renamed"]
    assert sorted(p.name for p in (tmp_path / "cache" / "cards").iterdir()) == [
        "u01.vcf",
        "u02.vcf",
        "u04.vcf",
    ]

    third = await book.sync()
    assert (third.full, third.fetched, third.deleted) == (False, 0, 0)
    assert third.token == second.token


async def test_refused_token_falls_back_to_full_listing(
    dav_server: Server, book_url: str, tmp_path: Path
) -> None:
    await seed(dav_server, book_url, "u01", "u02")
    book = make_book(dav_server, book_url, tmp_path)
    await book.sync()
    real = book.cache.state.sync_token
    book.cache.state.sync_token = real[:-8] + "00000000"
    etags = await seed(dav_server, book_url, "u03")
    async with DavClient(servers.settings(dav_server)) as client:
        await ops.delete_card(client, f"{norm(book_url)}u01.vcf", etags[f"{norm(book_url)}u01.vcf"])
    report = await book.sync()
    assert report.full
    assert (report.fetched, report.deleted) == (1, 1)
    assert names(book) == ["Person u02", "Person u03"]
    assert book.cache.state.sync_token not in ("", real)


async def test_stale_etag_is_a_conflict_and_nothing_is_overwritten(
    dav_server: Server, book_url: str, tmp_path: Path
) -> None:
    await seed(dav_server, book_url, "u01")
    book = make_book(dav_server, book_url, tmp_path)
    await book.sync()
    (mine,) = book.load().contacts
    href = mine.origin.href
    async with DavClient(servers.settings(dav_server)) as client:
        await ops.put_card(client, href, card("u01", "Theirs"), book.cache.etag(href))
        with pytest.raises(ConflictError, match="changed on the server"):
            await book.save(mine, ContactEdit(fn="Mine"))
        with pytest.raises(ConflictError):
            await ops.put_card(client, href, card("u01", "Again"), None)
        with pytest.raises(ConflictError, match="not deleted"):
            await book.delete(mine)
        _, data = await ops.get_card(client, href)
    assert b"FN:Theirs" in data
    assert [c.display_name for c in book.load().contacts] == ["Person u01"]


async def test_edit_create_delete_through_the_book(
    dav_server: Server, book_url: str, tmp_path: Path
) -> None:
    await seed(dav_server, book_url, "u01")
    book = make_book(dav_server, book_url, tmp_path)
    await book.sync()
    (contact,) = book.load().contacts
    saved = await book.save(contact, ContactEdit(fn="Edited Name"))
    assert saved.display_name == "Edited Name"
    created = await book.create(ContactEdit(fn="Brand New", sips=("sip:new@example.org",)))
    assert created.sips == ("sip:new@example.org",)
    assert names(book) == ["Brand New", "Edited Name"]
    await book.delete(saved)
    assert names(book) == ["Brand New"]
    report = await book.sync()  # our own writes are already in the cache
    assert (report.fetched, report.deleted) == (0, 0)
    async with DavClient(servers.settings(dav_server)) as client:
        assert list(await ops.list_etags(client, book_url)) == [created.origin.href]


async def test_unknown_properties_survive_an_edit_on_the_server(
    dav_server: Server, book_url: str, tmp_path: Path
) -> None:
    async with DavClient(servers.settings(dav_server)) as client:
        href = f"{norm(book_url)}x.vcf"
        await ops.put_card(client, href, card("x01", "Keep", "X-CUSTOM:stays\r\n"), None)
    book = make_book(dav_server, book_url, tmp_path)
    await book.sync()
    (contact,) = book.load().contacts
    await book.save(contact, ContactEdit(note="hello"))
    async with DavClient(servers.settings(dav_server)) as client:
        _, data = await ops.get_card(client, href)
    assert b"X-CUSTOM:stays" in data
    assert b"NOTE:hello" in data


# Xandikos serves without auth here: its Basic auth needs --autocert.
@pytest.mark.parametrize("dav_server", ["radicale"], indirect=True)
async def test_wrong_password_is_a_clear_auth_error(dav_server: Server, tmp_path: Path) -> None:
    book = CardDavBook("dav", servers.settings(dav_server, password="wrong"), tmp_path / "c")
    with pytest.raises(DavAuthError, match="wrong user name or password"):
        await book.discover()


async def test_new_cards_are_version_3_for_vobject_servers(
    dav_server: Server, book_url: str, tmp_path: Path
) -> None:
    book = make_book(dav_server, book_url, tmp_path)
    created = await book.create(ContactEdit(fn="Three"))
    assert created.version == "3.0"
    assert new_card(ContactEdit(fn="x")).startswith(b"BEGIN:VCARD\r\nVERSION:3.0\r\n")


async def test_photos_we_write_survive_the_server(
    dav_server: Server, book_url: str, tmp_path: Path
) -> None:
    book = make_book(dav_server, book_url, tmp_path)
    picture = bytes(range(256)) * 8
    created = await book.create(ContactEdit(fn="Pictured", photo=("image/jpeg", picture)))
    assert created.photo() == ("image/jpeg", picture)
    saved = await book.save(created, ContactEdit(photo=("image/png", picture[::-1])))
    assert saved.photo() == ("image/png", picture[::-1])
