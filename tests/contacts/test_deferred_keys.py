"""Caller-ID keys made after ``load`` returns: lookups are right at once, the cache keeps them."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.contacts.test_warm_cache import ADA, BERLIN, loaded, write
from tuiphone.contacts import indexrow
from tuiphone.contacts.book import ContactBook
from tuiphone.contacts.callerid import CallerKeys, Normalise, caller_keys
from tuiphone.contacts.contact import Contact, Origin
from tuiphone.contacts.index import ContactIndex
from tuiphone.contacts.reader import parse_bytes
from tuiphone.contacts.sources import VdirSource

BOB = ADA.replace(b"Ada", b"Bob").replace(b"123456", b"654321")
WAIT = 30  # seconds: only a hang ever takes this long


@pytest.fixture
def cache(tmp_path: Path) -> Path:
    return tmp_path / "cache" / "contacts"


class Gate:
    """Holds the first caller-ID key computation until ``open``; counts them all."""

    def __init__(self) -> None:
        self.entered = threading.Event()
        self.opened = threading.Event()
        self.keyed: list[tuple[str, str]] = []  # (thread name, contact)

    def keys(self, contact: Contact, region: str, normalise: Normalise) -> CallerKeys:
        self.entered.set()
        assert self.opened.wait(WAIT)
        self.keyed.append((threading.current_thread().name, contact.fn))
        return caller_keys(contact, region, normalise)


@pytest.fixture
def gate(monkeypatch: pytest.MonkeyPatch) -> Iterator[Gate]:
    held = Gate()
    monkeypatch.setattr(indexrow, "caller_keys", held.keys)
    yield held
    held.opened.set()  # never leave a thread waiting


def _book(vdir: Path, cache: Path | None) -> ContactBook:
    write(vdir / "a.vcf", ADA)
    write(vdir / "b.vcf", BOB, 1_700_000_000_000_000_001)
    return ContactBook([VdirSource("home", vdir)], region="DE", cache_dir=cache)


def test_load_returns_before_the_keys_and_a_first_lookup_makes_them(
    vdir: Path, cache: Path, gate: Gate
) -> None:
    book = _book(vdir, cache)
    book.load()  # returns although no key could be made yet
    assert book.index.pending() == 2
    assert [c.fn for c in book.search("bo")] == ["Bob"]  # searchable already
    gate.opened.set()
    found = book.lookup(BERLIN)  # made now, or waited for: never a wrong "unknown"
    assert found is not None
    assert found.fn == "Ada"
    assert book.keys_ready(WAIT)
    assert book.index.pending() == 0
    assert sorted(fn for _, fn in gate.keyed) == ["Ada", "Bob"]  # each made once


def test_a_lookup_while_the_thread_makes_the_keys_waits_for_them(
    vdir: Path, cache: Path, gate: Gate
) -> None:
    book = _book(vdir, cache)
    book.load()
    assert gate.entered.wait(WAIT)  # the background thread is inside, holding the table
    answers: list[Contact | None] = []
    asking = threading.Thread(target=lambda: answers.append(book.lookup("+49 30 654321")))
    asking.start()
    gate.opened.set()
    asking.join(WAIT)
    assert [c.fn if c else None for c in answers] == ["Bob"]
    assert book.keys_ready(WAIT)
    assert {name for name, _ in gate.keyed} == {"contacts-keys"}  # made once, by the thread


def test_the_cache_written_after_a_cold_load_holds_the_keys(
    vdir: Path, cache: Path, gate: Gate
) -> None:
    book = _book(vdir, cache)
    book.load()
    assert not list(cache.glob("*.cache"))  # written once the keys exist, not before
    gate.opened.set()
    assert book.keys_ready(WAIT)
    assert list(cache.glob("*.cache"))
    gate.keyed.clear()
    warm = loaded([VdirSource("home", vdir)], cache, "DE")
    assert gate.keyed == []  # every key came from the cache
    assert warm.index.pending() == 0
    found = warm.lookup(BERLIN)
    assert found is not None
    assert found.fn == "Ada"


def test_drop_cache_waits_for_the_background_write(
    vdir: Path, cache: Path, gate: Gate
) -> None:
    book = _book(vdir, cache)
    book.load()
    dropping = threading.Thread(target=book.drop_cache)
    dropping.start()
    gate.opened.set()
    dropping.join(WAIT)
    assert not dropping.is_alive()
    assert not list(cache.glob("*.cache"))  # not brought back by the late write


async def test_edits_and_syncs_wait_for_the_keys_and_keep_lookups_right(
    vdir: Path, cache: Path, gate: Gate
) -> None:
    book = _book(vdir, cache)
    book.load()
    gate.opened.set()
    (contact,) = book.search("ada")
    from tuiphone.contacts.editing import ContactEdit

    await book.save(contact, ContactEdit(fn="Ada L"))
    assert book.index.pending() == 0  # a reload makes its few keys at once
    found = book.lookup(BERLIN)
    assert found is not None
    assert found.fn == "Ada L"
    await book.sync()  # no CardDAV sources: nothing to fetch, still settles
    assert book.keys_ready(0)


def test_an_index_without_rows_makes_keys_on_first_lookup() -> None:
    contacts = [parse_bytes(d, Origin("b", n)).contacts[0] for n, d in (("a", ADA), ("b", BOB))]
    index = ContactIndex.build(contacts, "DE")
    assert index.pending() == 2
    found = index.lookup_all("030 654321")
    assert [c.fn for c in found] == ["Bob"]
    assert index.pending() == 0
    rows = index.rows()
    assert rows[id(found[0])] == indexrow.make_row(found[0], "DE")


async def test_the_engine_never_waits_for_the_keys_on_its_loop(
    vdir: Path, cache: Path, gate: Gate
) -> None:
    """While the keys are made, the engine's caller ID answers "not yet" at once (a call
    is named by a later event, as while loading) and caches nothing; the API's lookup
    waits for them off the loop and is right."""
    from tuiphone.engine.callerid import CallerId

    book = _book(vdir, cache)
    callerid = CallerId(lambda *_: None)
    callerid.start(lambda: (book.load(), book)[1])
    await callerid.ready()
    assert gate.entered.wait(WAIT)  # the background thread holds the table
    assert callerid.find(BERLIN) is None  # returns at once: the gate is still closed
    waiting = asyncio.ensure_future(callerid.keys_ready())
    gate.opened.set()
    await asyncio.wait_for(waiting, WAIT)
    found = callerid.lookup(BERLIN)
    assert found is not None
    assert found.name == "Ada"
