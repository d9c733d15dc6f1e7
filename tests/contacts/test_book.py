"""ContactBook: several sources behind one index, writes routed to the right place."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from tests.contacts import corpus
from tuiphone.contacts.book import ContactBook
from tuiphone.contacts.dav.client import DavSettings
from tuiphone.contacts.editing import ContactEdit
from tuiphone.contacts.errors import DavConnectionError, EditError
from tuiphone.contacts.fields import Phone
from tuiphone.contacts.sources import CardDavSource, FileSource, Source, VdirSource


@pytest.fixture
def book(vdir: Path, tmp_path: Path) -> ContactBook:
    (vdir / "ada.vcf").write_bytes(corpus.V4)
    (vdir / "johnny.vcf").write_bytes(corpus.APPLE)
    export = tmp_path / "export.vcf"
    export.write_bytes(corpus.ANDROID + corpus.EMPTY_CARD)
    sources: list[Source] = [VdirSource("home", vdir), FileSource("export", export)]
    contact_book = ContactBook(sources, region="US")
    contact_book.load()
    return contact_book


def test_load_merges_sources_and_keeps_warnings(book: ContactBook) -> None:
    assert [c.display_name for c in book.search("")] == [
        "Andy Droid",
        "Dr. Ada Lovelace",
        "Johnny Appleseed",
    ]
    (warning,) = book.warnings
    assert warning.source.endswith("export.vcf")
    found = book.lookup("+14155550123")
    assert found is not None
    assert found.display_name == "Johnny Appleseed"


def test_a_broken_source_is_a_warning_and_others_load(vdir: Path, tmp_path: Path) -> None:
    (vdir / "ada.vcf").write_bytes(corpus.V4)
    book = ContactBook([VdirSource("gone", tmp_path / "missing"), VdirSource("home", vdir)])
    warnings = book.load()
    assert [c.display_name for c in book.search("ada")] == ["Dr. Ada Lovelace"]
    assert any("missing" in str(w) and w.source == "gone" for w in warnings)


async def test_save_patches_the_file_and_updates_the_index(book: ContactBook, vdir: Path) -> None:
    (ada,) = book.search("lovelace")
    saved = await book.save(ada, ContactEdit(phones=(Phone("+1 212 555 0142"),)))
    assert saved.phones[0].number == "+1 212 555 0142"
    assert book.lookup("2125550142") == saved
    data = (vdir / "ada.vcf").read_bytes()
    assert data == corpus.V4.replace(
        b'TEL;VALUE=uri;TYPE="cell,voice":tel:+44-20-7946-0018', b"TEL:+1 212 555 0142"
    )


async def test_imported_file_is_read_only(book: ContactBook) -> None:
    (andy,) = book.search("andy")
    assert not book.writable("export")
    assert book.writable("home")
    with pytest.raises(EditError, match="read only"):
        await book.save(andy, ContactEdit(fn="x"))


async def test_create_and_delete_in_a_vdir(book: ContactBook, vdir: Path) -> None:
    created = await book.create("home", ContactEdit(fn="Zed New", phones=(Phone("030 111"),)))
    assert (vdir / f"{created.uid}.vcf").exists()
    assert [c.display_name for c in book.search("zed")] == ["Zed New"]
    await book.delete(created)
    assert not (vdir / f"{created.uid}.vcf").exists()
    assert book.search("zed") == []


def test_import_copies_cards_into_the_vdir(book: ContactBook, vdir: Path, tmp_path: Path) -> None:
    source = tmp_path / "many.vcf"
    source.write_bytes(corpus.LATIN1 + corpus.URL_PHOTO)
    assert book.import_file(source, "home") == 2
    assert len(list(vdir.glob("*.vcf"))) == 4
    assert [c.display_name for c in book.search("zo")] == ["Zoë Müller"]


def test_unchanged_files_are_not_parsed_again(
    book: ContactBook, vdir: Path, parses: list[str]
) -> None:
    parsed = parses
    (vdir / "ada.vcf").write_bytes(corpus.V4.replace(b"Ada", b"Augusta"))
    book.load()
    assert parsed == ["ada.vcf"]
    assert [c.display_name for c in book.search("augusta")] == ["Dr. Augusta Lovelace"]


async def test_a_failing_carddav_source_is_reported_and_others_still_load(
    vdir: Path, tmp_path: Path
) -> None:
    (vdir / "ada.vcf").write_bytes(corpus.V4)

    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("Connection refused", request=request)

    dav = CardDavSource("work", DavSettings("http://dav.invalid/"), tmp_path / "cache", "/b/")
    book = ContactBook([VdirSource("home", vdir), dav], transport=httpx.MockTransport(refuse))
    book.load()
    results = await book.sync()
    assert isinstance(results["work"], DavConnectionError)
    assert "cannot connect" in str(results["work"])
    assert [c.display_name for c in book.search("")] == ["Dr. Ada Lovelace"]
