"""Index rows (sort name, haystack, caller-ID keys) come from the warm-start cache."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.contacts.test_warm_cache import ADA, BERLIN, loaded, write
from tuiphone.contacts import indexrow
from tuiphone.contacts.callerid import CallerKeys, Normalise, caller_keys
from tuiphone.contacts.contact import Contact, Origin
from tuiphone.contacts.errors import ParseWarning
from tuiphone.contacts.indexrow import make_row
from tuiphone.contacts.persist import e164, store
from tuiphone.contacts.persist.bookcache import identity
from tuiphone.contacts.reader import ReadResult, parse_bytes
from tuiphone.contacts.sources import VdirSource


@pytest.fixture
def cache(tmp_path: Path) -> Path:
    return tmp_path / "cache" / "contacts"


@pytest.fixture
def keyed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The contacts whose caller-ID keys were worked out from now on."""
    seen: list[str] = []

    def counting(contact: Contact, region: str, normalise: Normalise) -> CallerKeys:
        seen.append(contact.fn)
        return caller_keys(contact, region, normalise)

    monkeypatch.setattr(indexrow, "caller_keys", counting)
    return seen


def test_warm_load_makes_no_rows_and_reads_no_memo(
    vdir: Path, cache: Path, keyed: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    write(vdir / "a.vcf", ADA)
    write(vdir / "b.vcf", ADA.replace(b"Ada", b"Bob").replace(b"123456", b"654321"))
    loaded([VdirSource("home", vdir)], cache, "DE")
    assert sorted(keyed) == ["Ada", "Bob"]
    keyed.clear()

    def no_memo(folder: Path) -> e164.NumberMemo:
        raise AssertionError("memo read on a warm start")

    monkeypatch.setattr(e164, "load", no_memo)
    book = loaded([VdirSource("home", vdir)], cache, "DE")
    assert keyed == []
    found = book.lookup(BERLIN)
    assert found is not None
    assert found.fn == "Ada"
    assert [c.fn for c in book.search("bo")] == ["Bob"]
    assert [c.fn for c in book.search("654")] == ["Bob"]


def test_rows_of_another_region_are_made_again_and_stored(
    vdir: Path, cache: Path, keyed: list[str]
) -> None:
    write(vdir / "a.vcf", ADA)
    loaded([VdirSource("home", vdir)], cache, "US")
    keyed.clear()
    de = loaded([VdirSource("home", vdir)], cache, "DE")
    assert keyed == ["Ada"]
    assert de.lookup(BERLIN) is not None
    keyed.clear()
    again = loaded([VdirSource("home", vdir)], cache, "DE")
    assert keyed == []
    assert again.lookup(BERLIN) is not None


def test_changed_file_gets_new_rows(vdir: Path, cache: Path, keyed: list[str]) -> None:
    write(vdir / "a.vcf", ADA)
    loaded([VdirSource("home", vdir)], cache, "DE")
    write(vdir / "a.vcf", ADA.replace(b"030 123456", b"030 999888"), 1_700_000_000_000_000_001)
    keyed.clear()
    book = loaded([VdirSource("home", vdir)], cache, "DE")
    assert keyed == ["Ada"]
    assert book.lookup(BERLIN) is None
    assert book.lookup("+4930999888") is not None


def test_merged_equals_extending_one_by_one() -> None:
    ada = parse_bytes(ADA, Origin("b", "a.vcf")).contacts[0]
    row = make_row(ada, "DE")
    parts = [
        ReadResult([ada], [], [row]),
        ReadResult([ada, ada], [ParseWarning("x", 1, "odd")]),
        ReadResult([ada, ada], [], [row]),
        ReadResult(),
    ]
    one_by_one = ReadResult()
    for part in parts:
        one_by_one.extend(part)
    merged = ReadResult.merged(parts)
    assert (merged.contacts, merged.warnings) == (one_by_one.contacts, one_by_one.warnings)
    assert merged.rows == [row, None, None, row, None]  # ``extend`` may leave the tail off
    assert one_by_one.rows == [row, None, None, row]
    bare = [ReadResult([ada]), ReadResult([ada])]
    assert ReadResult.merged(bare).rows == []


def test_malformed_stored_rows_make_the_whole_cache_rebuilt(
    vdir: Path, cache: Path, parses: list[str]
) -> None:
    write(vdir / "a.vcf", ADA)
    loaded([VdirSource("home", vdir)], cache, "DE")
    (path,) = cache.glob("*.cache")
    ident, region_stamp = identity(VdirSource("home", vdir)), indexrow.stamp("DE")
    entries = store.load(path, ident, region_stamp)
    assert entries[0][2].rows  # stored, and for this region
    entries[0][2].rows = [("too", "short")]  # type: ignore[list-item]
    store.save(path, ident, entries, region_stamp)
    parses.clear()
    book = loaded([VdirSource("home", vdir)], cache, "DE")
    assert parses == ["a.vcf"]
    assert book.lookup(BERLIN) is not None
