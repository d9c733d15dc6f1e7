"""A hostile CardDAV server (a local stub): any status, broken or malicious multistatus
XML (bombs, external entities, hrefs that climb out of the book), huge bodies. A sync
ends in a report or one ContactsError; the cached book stays whole and no file is
written outside the cache."""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.contacts.stub import Reply, Request, Stub, member, multistatus, stub_server
from tests.contacts.test_carddav_failures import BOOK, CARD, HEADERS, healthy, make_book
from tests.lab.hostile import BOMB
from tests.support.fuzz import fuzz
from tuiphone.contacts.dav import client as dav_client
from tuiphone.contacts.errors import ContactsError, DavProtocolError

EXTERNAL = ('<?xml version="1.0"?><!DOCTYPE m [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            '<d:multistatus xmlns:d="DAV:"><d:response><d:href>&x;</d:href></d:response>'
            "</d:multistatus>")
HREFS = st.sampled_from([f"{BOOK}a.vcf", f"{BOOK}../../../etc/x.vcf", "/", "", "http://x/",
                         f"{BOOK}%2e%2e%2f%2e%2e%2fescape.vcf", f"{BOOK}.hidden.vcf",
                         f"{BOOK}" + "n" * 500 + ".vcf", "\u2603", f"{BOOK}b.vcf"])
CARDS = st.one_of(st.none(), st.just(CARD), st.text(max_size=80),
                  st.just("BEGIN:VCARD\r\nFN:" + "x" * 5000 + "\r\n"))
MEMBERS = st.builds(lambda h, e, d, s: member(h, e, None if d is None else
                                            d.replace("<", "&lt;").replace("&", "&amp;"), s),
                    HREFS, st.sampled_from(['"e2"', "", '"' + "e" * 300 + '"']), CARDS,
                    st.sampled_from([200, 200, 404, 507, 999]))
BODIES = st.one_of(
    st.lists(MEMBERS, max_size=4).map(lambda ms: multistatus(*ms, token="t2")),
    st.just(BOMB.encode()), st.just(EXTERNAL.encode()), st.binary(max_size=200),
    st.just(multistatus(member(f"{BOOK}a.vcf", '"e1"'))[:-20]),
    st.just(b"<d:multistatus xmlns:d='DAV:'>" + b"<d:response/>" * 2000 + b"</d:multistatus>"),
)
REPLIES = st.tuples(st.sampled_from([207, 207, 207, 200, 301, 400, 401, 403, 404, 500, 599]),
                    st.sampled_from([HEADERS, {}, {"Content-Type": "text/html"}]), BODIES)


def _files(folder: Path) -> set[Path]:
    return {p for p in folder.rglob("*") if p.is_file()}


async def _sync_against(stub: Stub, reply: Reply, folder: Path) -> None:
    stub.handler = healthy
    book = make_book(stub.url, folder)
    await book.sync()
    assert [c.display_name for c in book.load().contacts] == ["Alice Stub"]

    def hostile(request: Request) -> Reply:
        return reply if request.method == "REPORT" else healthy(request)

    stub.handler = hostile
    try:
        await book.sync()
    except ContactsError as err:
        message = str(err)
        assert message, "an error says what went wrong"
        assert "\n" not in message, message
        again = make_book(stub.url, folder)  # what the next start reads
        assert [c.display_name for c in again.load().contacts] == ["Alice Stub"]
    outside = {p for p in _files(folder) if "cache" not in p.relative_to(folder).parts}
    assert outside == set(), outside


def test_a_hostile_reply_is_one_error_and_the_cache_survives() -> None:
    with stub_server(healthy) as stub:  # one server for every example (a stop costs 0.5 s)

        @fuzz(60)
        @given(REPLIES)
        def sync_once(reply: Reply) -> None:
            folder = Path(tempfile.mkdtemp(prefix="tp-dav-"))
            asyncio.run(_sync_against(stub, reply, folder))

        sync_once()


async def test_an_xml_bomb_is_refused(tmp_path: Path) -> None:
    with stub_server(lambda r: (207, HEADERS, BOMB.encode())) as stub, \
            pytest.raises(DavProtocolError):
        await make_book(stub.url, tmp_path).sync()


async def test_a_huge_reply_is_not_read_to_the_end(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(dav_client, "MAX_REPLY_BYTES", 1024 * 1024)
    huge = multistatus(*(member(f"{BOOK}{n}.vcf", f'"{n}"', CARD) for n in range(20000)))
    assert len(huge) > 2 * 1024 * 1024
    with stub_server(lambda r: (207, HEADERS, huge)) as stub:
        book = make_book(stub.url, tmp_path)
        with pytest.raises(DavProtocolError, match="larger than 1 MB"):
            await book.sync()
    assert book.load().contacts == []
