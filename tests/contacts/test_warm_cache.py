"""The warm-start cache: same contacts as a cold load, rebuilt whenever in doubt."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.contacts import corpus
from tuiphone.contacts import drop_cache
from tuiphone.contacts.book import ContactBook
from tuiphone.contacts.dav.cache import DavCache
from tuiphone.contacts.dav.client import DavSettings
from tuiphone.contacts.persist import e164
from tuiphone.contacts.sources import CardDavSource, FileSource, Source, VdirSource

CARDS = {
    name: getattr(corpus, name)
    for name in (
        "FOLD_IN_UTF8", "LATIN1", "TRUNCATED", "MISSING_END_FIRST", "V21_QP", "APPLE", "V4",
        "LF_BOM_GARBAGE", "NO_FN", "ANDROID", "BAD_PHOTO", "URL_PHOTO", "RADICALE_GENDER",
        "CR_ONLY", "EMPTY_CARD",
    )
}
ADA = b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ada\r\nTEL:030 123456\r\nEND:VCARD\r\n"
BERLIN = "+4930123456"  # ADA's number read in Germany; in the US it is no E.164
T0 = 1_700_000_000_000_000_000


@pytest.fixture
def cache(tmp_path: Path) -> Path:
    return tmp_path / "cache" / "contacts"


def write(path: Path, data: bytes, mtime_ns: int = T0) -> None:
    path.write_bytes(data)
    os.utime(path, ns=(mtime_ns, mtime_ns))


def loaded(sources: list[Source], cache: Path | None, region: str = "US") -> ContactBook:
    """A loaded book whose background work (caller-ID keys, the cache write) is done."""
    book = ContactBook(sources, region=region, cache_dir=cache)
    book.load()
    assert book.keys_ready(timeout=60)
    return book


def test_warm_load_equals_cold_load_without_parsing(
    vdir: Path, cache: Path, parses: list[str]
) -> None:
    for i, (name, data) in enumerate(CARDS.items()):
        write(vdir / f"{name}.vcf", data, T0 + i)
    cold = loaded([VdirSource("home", vdir)], None)
    loaded([VdirSource("home", vdir)], cache)
    parses.clear()
    warm = loaded([VdirSource("home", vdir)], cache)
    assert parses == []
    assert warm.index.contacts == cold.index.contacts
    assert warm.warnings == cold.warnings
    photos = [c.photo() for c in warm.index.contacts if c.has_photo]
    assert photos == [c.photo() for c in cold.index.contacts if c.has_photo]
    assert any(p is not None and p[0] != "url" for p in photos)


def test_changed_mtime_or_size_is_parsed_again(vdir: Path, cache: Path, parses: list[str]) -> None:
    write(vdir / "a.vcf", ADA)
    write(vdir / "b.vcf", ADA.replace(b"Ada", b"Bob"))
    loaded([VdirSource("home", vdir)], cache)
    write(vdir / "a.vcf", ADA.replace(b"Ada", b"Eve"), T0 + 1)  # same size, new mtime
    write(vdir / "b.vcf", ADA.replace(b"Ada", b"Robert"))  # same mtime, new size
    parses.clear()
    book = loaded([VdirSource("home", vdir)], cache)
    assert sorted(parses) == ["a.vcf", "b.vcf"]
    assert [c.fn for c in book.index.contacts] == ["Eve", "Robert"]


def test_added_and_removed_files(vdir: Path, cache: Path, parses: list[str]) -> None:
    write(vdir / "a.vcf", ADA)
    write(vdir / "b.vcf", ADA.replace(b"Ada", b"Bob"))
    loaded([VdirSource("home", vdir)], cache)
    (vdir / "a.vcf").unlink()
    write(vdir / "c.vcf", ADA.replace(b"Ada", b"Cid"))
    parses.clear()
    book = loaded([VdirSource("home", vdir)], cache)
    assert parses == ["c.vcf"]
    assert [c.fn for c in book.index.contacts] == ["Bob", "Cid"]
    parses.clear()
    book = loaded([VdirSource("home", vdir)], cache)  # the dropped file stays dropped
    assert parses == []
    assert [c.fn for c in book.index.contacts] == ["Bob", "Cid"]


def _cache_file(cache: Path) -> Path:
    (found,) = cache.glob("*.cache")
    return found


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: data[: len(data) // 2],
        lambda data: b"",
        lambda data: b"garbage" * 10,
        lambda data: data[:40] + bytes([data[40] ^ 0xFF]) + data[41:],
        lambda data: data[:8] + b"\x63" + data[9:],  # another format version
        lambda data: data + b"tail",
    ],
    ids=["truncated", "empty", "garbage", "flipped", "version", "longer"],
)
def test_damaged_cache_is_ignored_and_rebuilt(
    vdir: Path, cache: Path, parses: list[str], damage: object
) -> None:
    write(vdir / "a.vcf", ADA)
    loaded([VdirSource("home", vdir)], cache)
    path = _cache_file(cache)
    path.write_bytes(damage(path.read_bytes()))  # type: ignore[operator]
    parses.clear()
    book = loaded([VdirSource("home", vdir)], cache)
    assert parses == ["a.vcf"]
    assert [c.fn for c in book.index.contacts] == ["Ada"]
    parses.clear()
    loaded([VdirSource("home", vdir)], cache)
    assert parses == []  # rewritten whole


def test_damaged_numbers_file_is_ignored(vdir: Path, cache: Path) -> None:
    write(vdir / "a.vcf", ADA)
    loaded([VdirSource("home", vdir)], cache, "DE")
    (cache / e164.FILE_NAME).write_bytes(b'{"stamp": 1, "entries": [[')
    book = loaded([VdirSource("home", vdir)], cache, "DE")
    assert book.lookup(BERLIN) is not None


def test_region_change_renormalises_numbers(vdir: Path, cache: Path) -> None:
    write(vdir / "a.vcf", ADA)
    us = loaded([VdirSource("home", vdir)], cache, "US")
    assert us.lookup(BERLIN) is None
    de = loaded([VdirSource("home", vdir)], cache, "DE")
    assert de.lookup(BERLIN) is not None
    again = loaded([VdirSource("home", vdir)], cache, "US")
    assert again.lookup(BERLIN) is None


def test_another_source_at_the_same_place_does_not_share(vdir: Path, cache: Path) -> None:
    write(vdir / "a.vcf", ADA)
    loaded([VdirSource("home", vdir)], cache)
    book = loaded([VdirSource("work", vdir)], cache)
    assert [c.origin.book for c in book.index.contacts] == ["work"]


def test_private_permissions(vdir: Path, cache: Path) -> None:
    write(vdir / "a.vcf", ADA)
    loaded([VdirSource("home", vdir)], cache)
    assert stat.S_IMODE(cache.stat().st_mode) == 0o700
    files = list(cache.iterdir())
    assert {f.name for f in files} == {_cache_file(cache).name, e164.FILE_NAME}
    assert all(stat.S_IMODE(f.stat().st_mode) == 0o600 for f in files)


def test_cache_open_to_others_is_not_trusted(vdir: Path, cache: Path, parses: list[str]) -> None:
    write(vdir / "a.vcf", ADA)
    loaded([VdirSource("home", vdir)], cache)
    _cache_file(cache).chmod(0o666)
    parses.clear()
    loaded([VdirSource("home", vdir)], cache)
    assert parses == ["a.vcf"]


def test_drop_cache_deletes_the_files(vdir: Path, cache: Path, parses: list[str]) -> None:
    write(vdir / "a.vcf", ADA)
    book = loaded([VdirSource("home", vdir)], cache)
    (cache / ".x.cache.123.tmp").write_bytes(b"left over")
    book.drop_cache()
    assert list(cache.iterdir()) == []
    assert [c.fn for c in book.index.contacts] == ["Ada"]  # memory untouched
    book.load()  # writes it again
    parses.clear()
    loaded([VdirSource("home", vdir)], cache)
    assert parses == []


def test_drop_cache_without_a_cache_dir_is_a_no_op(vdir: Path) -> None:
    loaded([VdirSource("home", vdir)], None).drop_cache()


def test_unwritable_cache_dir_still_loads(vdir: Path, tmp_path: Path) -> None:
    write(vdir / "a.vcf", ADA)
    blocker = tmp_path / "file"
    blocker.write_bytes(b"")
    book = loaded([VdirSource("home", vdir)], blocker / "contacts")
    assert [c.fn for c in book.index.contacts] == ["Ada"]


def test_file_source_is_cached(tmp_path: Path, cache: Path, parses: list[str]) -> None:
    export = tmp_path / "export.vcf"
    write(export, corpus.ANDROID + corpus.EMPTY_CARD)
    cold = loaded([FileSource("export", export)], cache)
    parses.clear()
    warm = loaded([FileSource("export", export)], cache)
    assert parses == []
    assert warm.index.contacts == cold.index.contacts
    assert warm.warnings == cold.warnings


def test_carddav_cache_vdir_is_cached(tmp_path: Path, cache: Path, parses: list[str]) -> None:
    dav = DavCache(tmp_path / "dav")
    dav.put("/book/ada.vcf", '"1"', ADA)
    dav.put("/book/bob.vcf", '"2"', ADA.replace(b"Ada", b"Bob"))
    dav.save()
    source = CardDavSource("work", DavSettings(url="https://dav.invalid/"), tmp_path / "dav")
    cold = loaded([source], cache)
    parses.clear()
    warm = loaded([source], cache)
    assert parses == []
    assert warm.index.contacts == cold.index.contacts
    assert [c.origin.href for c in warm.index.contacts] == ["/book/ada.vcf", "/book/bob.vcf"]


def _multistatus(body: str) -> httpx.Response:
    text = f'<?xml version="1.0"?><d:multistatus xmlns:d="DAV:" {_CARD_NS}>{body}</d:multistatus>'
    return httpx.Response(207, content=text.encode(), headers={"Content-Type": "application/xml"})


_CARD_NS = 'xmlns:c="urn:ietf:params:xml:ns:carddav"'
_OK = "<d:status>HTTP/1.1 200 OK</d:status>"


def _server(request: httpx.Request) -> httpx.Response:
    if b"sync-collection" in request.content:
        prop = '<d:propstat><d:prop><d:getetag>"1"</d:getetag></d:prop>' + _OK + "</d:propstat>"
        item = f"<d:response><d:href>/b/ada.vcf</d:href>{prop}</d:response>"
        return _multistatus(item + "<d:sync-token>tok-1</d:sync-token>")
    card = ADA.decode().replace("\r\n", "&#13;\n")
    prop = f'<d:prop><d:getetag>"1"</d:getetag><c:address-data>{card}</c:address-data></d:prop>'
    return _multistatus(f"<d:response><d:href>/b/ada.vcf</d:href><d:propstat>{prop}{_OK}"
                        "</d:propstat></d:response>")


async def test_sync_writes_the_cache(tmp_path: Path, cache: Path, parses: list[str]) -> None:
    source = CardDavSource("work", DavSettings("http://dav.invalid/"), tmp_path / "dav", "/b/")
    book = ContactBook([source], transport=httpx.MockTransport(_server), cache_dir=cache)
    book.load()
    results = await book.sync()
    assert results["work"].fetched == 1  # type: ignore[union-attr]
    assert [c.fn for c in book.index.contacts] == ["Ada"]
    parses.clear()
    again = loaded([source], cache)
    assert parses == []
    assert [(c.fn, c.origin.href) for c in again.index.contacts] == [("Ada", "/b/ada.vcf")]


def test_module_drop_cache_keeps_other_files_and_stays_light(vdir: Path, cache: Path) -> None:
    write(vdir / "a.vcf", ADA)
    loaded([VdirSource("home", vdir)], cache)
    (cache / "notes.txt").write_text("not ours")
    drop_cache(cache)
    assert [p.name for p in cache.iterdir()] == ["notes.txt"]
    drop_cache(cache / "missing")  # never raises
    code = "import sys, tuiphone.contacts as c; c.drop_cache; print('phonenumbers' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
