"""What every contact source does, seen through ``ContactBook`` (in the style of
vdirsyncer's ``tests/storage/__init__.py`` StorageTests).

A test class per source kind subclasses ``SourceContract`` (reading) or
``WritableSourceContract`` (reading and writing) and supplies a ``source`` fixture
(fresh and empty), ``put_outside`` (another program writes a card: vdirsyncer, khard,
a phone syncing to the server) and, where it differs, ``refresh`` and ``reread``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tuiphone.contacts import Contact, ContactBook, ContactEdit, Phone, Source
from tuiphone.contacts.errors import ConflictError

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def card(uid: str, fn: str, extra: str = "") -> bytes:
    """A vCard 3.0 with CRLF lines and a number ending in the UID's last two digits."""
    return (
        f"BEGIN:VCARD\r\nVERSION:3.0\r\nUID:{uid}\r\nFN:{fn}\r\nN:{fn};;;;\r\n"
        f"TEL;TYPE=cell:+1 415 555 01{uid[-2:]}\r\n{extra}END:VCARD\r\n"
    ).encode()


def by_uid(book: ContactBook) -> dict[str, Contact]:
    return {c.uid: c for c in book.index.contacts}


class SourceContract:
    writable = False

    @pytest.fixture
    def source(self) -> Source:
        raise NotImplementedError

    async def put_outside(self, source: Source, uid: str, data: bytes) -> None:
        """Another program writes card ``uid`` (replacing its earlier version)."""
        raise NotImplementedError

    async def refresh(self, book: ContactBook) -> None:
        """Let ``book`` see what changed outside."""
        book.load()

    async def reread(self, source: Source) -> dict[str, Contact]:
        """What a new reader of the same storage sees, by UID."""
        book = ContactBook([source], region="US")
        await self.refresh(book)
        return by_uid(book)

    async def loaded(self, source: Source) -> ContactBook:
        book = ContactBook([source], region="US")
        await self.refresh(book)
        return book

    async def test_an_empty_source_has_no_contacts(self, source: Source) -> None:
        book = await self.loaded(source)
        assert book.index.contacts == []
        assert book.warnings == []
        assert book.source_ids() == [source.id]
        assert book.writable(source.id) is self.writable

    async def test_cards_written_outside_are_read_searched_and_looked_up(
        self, source: Source
    ) -> None:
        await self.put_outside(source, "ann-01", card("ann-01", "Ann Example", "ORG:Acme\r\n"))
        await self.put_outside(source, "ben-02", card("ben-02", "Ben Sample"))
        book = await self.loaded(source)
        assert sorted(c.display_name for c in book.index.contacts) == ["Ann Example",
                                                                       "Ben Sample"]
        assert {c.origin.book for c in book.index.contacts} == {source.id}
        assert [c.uid for c in book.search("acme")] == ["ann-01"]
        found = book.lookup("(415) 555-0102")
        assert found is not None
        assert found.uid == "ben-02"

    async def test_later_outside_changes_show_after_a_refresh(self, source: Source) -> None:
        await self.put_outside(source, "ann-01", card("ann-01", "Ann Example"))
        book = await self.loaded(source)
        await self.put_outside(source, "ann-01", card("ann-01", "Ann Renamed"))
        await self.put_outside(source, "ben-02", card("ben-02", "Ben Sample"))
        await self.refresh(book)
        assert sorted(c.display_name for c in book.index.contacts) == ["Ann Renamed",
                                                                       "Ben Sample"]


class WritableSourceContract(SourceContract):
    writable = True

    async def test_a_created_contact_is_there_for_every_reader(self, source: Source) -> None:
        book = await self.loaded(source)
        cell = Phone("+1 415 555 0199", frozenset({"cell"}))
        created = await book.create(source.id, ContactEdit(
            fn="Cara New", phones=(cell,), sips=("cara@pbx.example",), photo=("image/png", PNG)))
        assert created.uid
        assert created.origin.book == source.id
        assert [c.uid for c in book.search("cara")] == [created.uid]
        cara = (await self.reread(source))[created.uid]
        assert cara.display_name == "Cara New"
        assert [(p.number, p.types) for p in cara.phones] == [(cell.number, cell.types)]
        assert cara.sips == ("sip:cara@pbx.example",)
        assert cara.photo() == ("image/png", PNG)

    async def test_save_rewrites_only_the_edited_lines(self, source: Source) -> None:
        extra = "X-UNKNOWN;P=1:kept as is\r\nitem1.EMAIL:ann@example.test\r\n" \
                "item1.X-ABLabel:Private\r\n"
        await self.put_outside(source, "ann-01", card("ann-01", "Ann Example", extra))
        book = await self.loaded(source)
        (ann,) = book.index.contacts
        saved = await book.save(ann, ContactEdit(fn="Ann Edited", note="hello"))
        assert (saved.display_name, saved.note) == ("Ann Edited", "hello")
        again = (await self.reread(source))["ann-01"]
        assert (again.display_name, again.note) == ("Ann Edited", "hello")
        before, after = set(ann.card.raw.splitlines()), set(again.card.raw.splitlines())
        assert before - after == {b"FN:Ann Example"}
        assert after - before == {b"FN:Ann Edited", b"NOTE:hello"}

    async def test_a_phone_kept_keeps_its_line(self, source: Source) -> None:
        await self.put_outside(source, "ann-01", card("ann-01", "Ann Example"))
        book = await self.loaded(source)
        (ann,) = book.index.contacts
        await book.save(ann, ContactEdit(phones=(*ann.phones, Phone("+1 415 555 0177"))))
        again = (await self.reread(source))["ann-01"]
        # lines, not bytes: a CardDAV REPORT carries cards in XML, which turns CRLF into LF
        assert b"TEL;TYPE=cell:+1 415 555 0101" in again.card.raw.splitlines()
        assert [p.number for p in again.phones] == ["+1 415 555 0101", "+1 415 555 0177"]

    async def test_a_card_changed_outside_meanwhile_is_a_conflict(self, source: Source) -> None:
        await self.put_outside(source, "ann-01", card("ann-01", "Ann Example"))
        book = await self.loaded(source)
        (ann,) = book.index.contacts
        await self.put_outside(source, "ann-01", card("ann-01", "Ann Theirs"))
        with pytest.raises(ConflictError):
            await book.save(ann, ContactEdit(fn="Ann Mine"))
        assert (await self.reread(source))["ann-01"].display_name == "Ann Theirs"

    async def test_delete_removes_the_card_for_every_reader(self, source: Source) -> None:
        await self.put_outside(source, "ann-01", card("ann-01", "Ann Example"))
        await self.put_outside(source, "ben-02", card("ben-02", "Ben Sample"))
        book = await self.loaded(source)
        await book.delete(by_uid(book)["ann-01"])
        assert sorted(by_uid(book)) == ["ben-02"]
        assert sorted(await self.reread(source)) == ["ben-02"]

    async def test_a_photo_is_replaced_in_place_and_removed(self, source: Source) -> None:
        await self.put_outside(source, "ann-01", card("ann-01", "Ann Example"))
        book = await self.loaded(source)
        ann = await book.save(book.index.contacts[0], ContactEdit(photo=("image/png", PNG)))
        other = PNG[::-1]
        ann = await book.save(ann, ContactEdit(photo=("image/jpeg", other)))
        again = (await self.reread(source))["ann-01"]
        assert again.card.raw.count(b"PHOTO") == 1
        assert again.photo() == ("image/jpeg", other)
        await book.save(by_uid(book)["ann-01"], ContactEdit(photo=("", b"")))
        assert not (await self.reread(source))["ann-01"].has_photo

    async def test_a_new_book_over_the_same_source_starts_with_the_writes(
        self, source: Source, tmp_path: Path
    ) -> None:
        book = await self.loaded(source)
        created = await book.create(source.id, ContactEdit(fn="Dee Local"))
        later = ContactBook([source], region="US", cache_dir=tmp_path / "warm")
        later.load()  # no refresh: only what this machine already holds
        assert [c.display_name for c in later.index.contacts] == ["Dee Local"]
        assert later.index.contacts[0].uid == created.uid
