"""Server failures, odd servers and Digest auth, against a scripted stub server."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest

from tests.contacts.servers import free_port
from tests.contacts.stub import Reply, Request, member, multistatus, stub_server
from tuiphone.contacts.dav.book import CardDavBook
from tuiphone.contacts.dav.client import DavClient, DavSettings
from tuiphone.contacts.dav.discovery import discover
from tuiphone.contacts.errors import (
    DavConnectionError,
    DavHttpError,
    DavProtocolError,
    DavTimeout,
)

BOOK = "/book/"
CARD = "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:a\r\nFN:Alice Stub\r\nEND:VCARD\r\n"
HEADERS = {"Content-Type": "application/xml"}


def healthy(request: Request) -> Reply:
    """A minimal book with one card and sync support."""
    if request.method == "REPORT" and b"sync-collection" in request.body:
        return 207, HEADERS, multistatus(member(f"{BOOK}a.vcf", '"e1"'), token="t1")
    if request.method == "REPORT":
        return 207, HEADERS, multistatus(member(f"{BOOK}a.vcf", '"e1"', CARD))
    return 404, {}, b""


def make_book(url: str, tmp_path: Path, **kw: object) -> CardDavBook:
    settings = DavSettings(url, **kw)  # type: ignore[arg-type]
    return CardDavBook("stub", settings, tmp_path / "cache", url + BOOK.lstrip("/"))


async def synced_book(url: str, tmp_path: Path, **kw: object) -> CardDavBook:
    book = make_book(url, tmp_path, **kw)
    await book.sync()
    assert [c.display_name for c in book.load().contacts] == ["Alice Stub"]
    return book


def assert_cache_intact(book: CardDavBook, tmp_path: Path) -> None:
    reloaded = CardDavBook("stub", book.settings, tmp_path / "cache", book.book_url)
    assert reloaded.cache.state.sync_token == "t1"
    assert [c.display_name for c in reloaded.load().contacts] == ["Alice Stub"]


async def test_server_error_keeps_the_cache(tmp_path: Path) -> None:
    with stub_server(healthy) as stub:
        book = await synced_book(stub.url, tmp_path)
        stub.handler = lambda r: (500, {}, b"boom")
        with pytest.raises(DavHttpError, match="500") as err:
            await book.sync()
    assert err.value.status == 500
    assert_cache_intact(book, tmp_path)


async def test_timeout_is_a_clear_error(tmp_path: Path) -> None:
    with stub_server(healthy) as stub:
        book = await synced_book(stub.url, tmp_path)

        def hang(request: Request) -> Reply:
            stub.release.wait(60)  # held until the test ends, never a timing guess
            return 500, {}, b""

        stub.handler = hang
        impatient = make_book(stub.url, tmp_path, timeout_s=0.5)
        with pytest.raises(DavTimeout, match="no answer"):
            await impatient.sync()
    assert_cache_intact(book, tmp_path)


async def test_connection_refused(tmp_path: Path) -> None:
    book = make_book(f"http://127.0.0.1:{free_port()}/", tmp_path)
    with pytest.raises(DavConnectionError, match="cannot connect"):
        await book.sync()


async def test_malformed_xml_keeps_the_cache(tmp_path: Path) -> None:
    with stub_server(healthy) as stub:
        book = await synced_book(stub.url, tmp_path)
        stub.handler = lambda r: (207, HEADERS, b"<d:multistatus xmlns:d='DAV:'><d:resp")
        with pytest.raises(DavProtocolError, match="malformed XML"):
            await book.sync()
    assert_cache_intact(book, tmp_path)


async def test_no_sync_support_falls_back_to_etag_listing(tmp_path: Path) -> None:
    def no_sync(request: Request) -> Reply:
        if b"sync-collection" in request.body:
            return 501, {}, b""
        if request.method == "PROPFIND":
            listing = member(BOOK, '"c"') + member(f"{BOOK}a.vcf", '"e1"')
            return 207, HEADERS, multistatus(listing)
        return healthy(request)

    with stub_server(no_sync) as stub:
        book = make_book(stub.url, tmp_path)
        report = await book.sync()
    assert (report.full, report.fetched, report.token) == (True, 1, "")
    assert [c.display_name for c in book.load().contacts] == ["Alice Stub"]


async def test_truncated_sync_asks_again_and_hrefs_are_normalised(tmp_path: Path) -> None:
    def truncating(request: Request) -> Reply:
        if b"<d:sync-token></d:sync-token>" in request.body:
            first = member(f"{BOOK}a.vcf", '"e1"') + member(BOOK, "", status=507)
            return 207, HEADERS, multistatus(first, token="half")
        if b"sync-collection" in request.body:
            absolute = member(f"http://127.0.0.1:1{BOOK}b%20c.vcf", '"e2"')
            return 207, HEADERS, multistatus(absolute, token="t2")
        cards = member(f"{BOOK}a.vcf", '"e1"', CARD)
        cards += member(
            f"{BOOK}b%20c.vcf", '"e2"', CARD.replace("Alice", "Bob").replace(":a", ":b")
        )
        return 207, HEADERS, multistatus(cards)

    with stub_server(truncating) as stub:
        book = make_book(stub.url, tmp_path)
        report = await book.sync()
    assert (report.fetched, report.token) == (2, "t2")
    assert sorted(book.cache.state.items) == ["/book/a.vcf", "/book/b c.vcf"]


async def test_digest_auth_answers_the_challenge(tmp_path: Path) -> None:
    def ha(text: str) -> str:
        return hashlib.md5(text.encode()).hexdigest()

    def digest(request: Request) -> Reply:
        header = request.headers.get("authorization", "")
        fields = dict(re.findall(r'(\w+)="?([^",]+)"?', header))
        if header.startswith("Digest ") and fields.get("username") == "bob":
            ha1 = ha("bob:stub:pw")
            ha2 = ha(f"{request.method}:{fields['uri']}")
            parts = [ha1, "n0nce", fields["nc"], fields["cnonce"], "auth", ha2]
            if fields["response"] == ha(":".join(parts)):
                body = multistatus(
                    "<d:response><d:href>/</d:href><d:propstat><d:prop><d:resourcetype>"
                    '<d:collection/><c:addressbook xmlns:c="urn:ietf:params:xml:ns:carddav"/>'
                    "</d:resourcetype></d:prop><d:status>HTTP/1.1 200 OK</d:status>"
                    "</d:propstat></d:response>"
                )
                return 207, HEADERS, body
        challenge = 'Digest realm="stub", nonce="n0nce", qop="auth", algorithm=MD5'
        return 401, {"WWW-Authenticate": challenge}, b""

    with stub_server(digest) as stub:
        async with DavClient(DavSettings(stub.url, "bob", "pw")) as client:
            books = await discover(client)
        assert [b.url for b in books] == [stub.url]
        assert any(r.headers.get("authorization", "").startswith("Digest") for r in stub.requests)
        async with DavClient(DavSettings(stub.url, "bob", "bad")) as client:
            with pytest.raises(DavHttpError, match="wrong user name or password"):
                await discover(client)
