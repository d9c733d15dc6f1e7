"""Contacts through the engine: details, photos, edits, new cards, reloads, over the socket."""

from __future__ import annotations

import asyncio
import base64
import os
from pathlib import Path

import pytest

from tests.support.vdir import write_vdir
from tuiphone.config.schema import AppConfig, ContactsConfig, EngineConfig
from tuiphone.engine.fake import FakeBackend
from tuiphone.engine.phone import Phone
from tuiphone.host.build import build_phone
from tuiphone.model.account import AccountConfig
from tuiphone.model.contact import (
    AddressBook,
    BookKind,
    ContactFields,
    ContactPhoto,
    PhoneNumber,
)
from tuiphone.model.errors import NotFound, UsageError
from tuiphone.model.events import ContactsChanged

ALICE = AccountConfig(id="alice", uri="sip:alice@127.0.0.1")
PNG = base64.b64encode(b"\x89PNG\r\n\x1a\nnot-really").decode()
CARD = (
    "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:alice-1\r\nFN:Alice Liddell\r\nORG:Wonderland\r\n"
    "TEL;TYPE=cell:+49 30 1234567\r\nIMPP:sip:alice@127.0.0.1\r\n"
    "EMAIL;TYPE=home:alice@example.test\r\nX-UNKNOWN;P=1:kept as is\r\n"
    f"PHOTO;ENCODING=b;TYPE=PNG:{PNG}\r\nEND:VCARD\r\n"
)


@pytest.fixture
def contacts_dir(tmp_path: Path) -> Path:
    return write_vdir(tmp_path / "contacts", {"alice.vcf": CARD})


@pytest.fixture
async def phone(contacts_dir: Path, tmp_path: Path):  # type: ignore[no-untyped-def]
    config = AppConfig(
        accounts=(ALICE,),
        engine=EngineConfig(echo_line=False),
        contacts=ContactsConfig(default_region="DE", vdirs=(str(contacts_dir),)),
    )
    p = build_phone(config, backend=FakeBackend(), db_path=tmp_path / "t.db")
    loaded = changed(p)
    await p.start()
    assert (await asyncio.wait_for(loaded, 10)).count == 1  # type: ignore[attr-defined]
    yield p
    await p.stop()


def changed(phone: Phone) -> asyncio.Future[object]:
    return phone.bus.waiter(lambda ev: isinstance(ev, ContactsChanged))


async def test_details_carry_every_field_and_the_photo(phone: Phone) -> None:
    full = await phone.contact("alice-1")
    assert full.name == "Alice Liddell"
    assert full.phones == (PhoneNumber("+49 30 1234567", "cell"),)
    assert full.writable is True
    assert full.has_photo is True
    assert full.book == "vdir1"
    photo = await phone.contact_photo("alice-1")
    assert photo is not None
    assert photo.mime == "image/png"
    assert photo.decoded()[1].startswith(b"\x89PNG")
    with pytest.raises(NotFound):
        await phone.contact("nobody")


async def test_save_changes_only_the_edited_lines(phone: Phone, contacts_dir: Path) -> None:
    event = changed(phone)
    saved = await phone.save_contact(
        "alice-1", ContactFields(org="Looking Glass", phones=("+49 30 1234567", "030 999"))
    )
    assert saved.org == "Looking Glass"
    assert [p.number for p in saved.phones] == ["+49 30 1234567", "030 999"]
    assert isinstance(await asyncio.wait_for(event, 5), ContactsChanged)
    text = (contacts_dir / "alice.vcf").read_bytes().decode()
    assert "ORG:Looking Glass\r\n" in text
    assert "TEL;TYPE=cell:+49 30 1234567\r\n" in text  # kept its type and its line
    assert "X-UNKNOWN;P=1:kept as is\r\n" in text
    assert f"PHOTO;ENCODING=b;TYPE=PNG:{PNG}" in text
    found = await phone.lookup_contact("+4930999")
    assert found is not None
    assert found.id == "alice-1"


async def test_bad_fields_are_refused_before_any_write(phone: Phone, contacts_dir: Path) -> None:
    before = (contacts_dir / "alice.vcf").read_bytes()
    with pytest.raises(UsageError, match="list of strings"):
        await phone.save_contact("alice-1", ContactFields(phones=(1, 2)))  # type: ignore[arg-type]
    with pytest.raises(UsageError, match="must be text"):
        await phone.save_contact("alice-1", ContactFields(org=["x"]))  # type: ignore[arg-type]
    with pytest.raises(UsageError, match="needs a name"):
        await phone.save_contact("alice-1", ContactFields(fn="  "))
    assert (contacts_dir / "alice.vcf").read_bytes() == before


async def test_create_and_delete_a_contact(phone: Phone, contacts_dir: Path) -> None:
    assert await phone.contact_books() == [
        AddressBook("vdir1", BookKind.VDIR, str(contacts_dir), 1, "", writable=True)]
    made = await phone.create_contact(ContactFields(fn="Bob Builder", phones=("0301112222",)))
    assert made.name == "Bob Builder"
    assert len(os.listdir(contacts_dir)) == 2
    assert [c.name for c in await phone.search_contacts("builder")] == ["Bob Builder"]
    await phone.delete_contact(made.id)
    assert await phone.search_contacts("builder") == []
    assert len(os.listdir(contacts_dir)) == 1
    with pytest.raises(UsageError, match="needs a name"):
        await phone.create_contact(ContactFields(org="Nameless"))


async def test_outside_changes_are_picked_up(phone: Phone, contacts_dir: Path) -> None:
    event = changed(phone)
    card = CARD.replace("alice-1", "carol-1").replace("Alice Liddell", "Carol Singer")
    tmp = contacts_dir / ".carol.tmp"
    tmp.write_text(card, newline="")
    os.replace(tmp, contacts_dir / "carol.vcf")  # as vdirsyncer writes
    assert await phone.reload_contacts() == 2
    assert (await asyncio.wait_for(event, 5)).count == 2  # type: ignore[attr-defined]
    assert [c.name for c in await phone.search_contacts("singer")] == ["Carol Singer"]
    assert (await phone.contact("carol-1")).name == "Carol Singer"


async def test_the_folder_watch_reloads_without_being_asked(
    contacts_dir: Path, tmp_path: Path
) -> None:
    phone = build_phone(
        AppConfig(accounts=(ALICE,), engine=EngineConfig(echo_line=False),
                  contacts=ContactsConfig(vdirs=(str(contacts_dir),))),
        backend=FakeBackend(), db_path=tmp_path / "t.db",
    )
    phone.contact_desk.interval_s = 0.05
    await phone.start()
    try:
        await asyncio.wait_for(phone.contact_desk.watching.wait(), 10)
        event = changed(phone)
        (contacts_dir / "dave.vcf").write_text(
            CARD.replace("alice-1", "dave-1").replace("Alice Liddell", "Dave Null"), newline="")
        os.utime(contacts_dir, ns=(1, 1))  # a different folder mtime, whatever the clock says
        await asyncio.wait_for(event, 10)
        assert [c.name for c in await phone.search_contacts("dave")] == ["Dave Null"]
    finally:
        await phone.stop()


async def test_edits_work_over_the_control_socket(phone: Phone) -> None:
    from tuiphone.control import ControlServer, RemotePhone, socket_path

    server = ControlServer(phone, socket_path())
    await server.start()
    remote = await RemotePhone.connect()
    try:
        assert await remote.contact("alice-1") == await phone.contact("alice-1")
        assert await remote.contact_photo("alice-1") == await phone.contact_photo("alice-1")
        saved = await remote.save_contact("alice-1", ContactFields(note="late"))
        assert saved.note == "late"
        with pytest.raises(NotFound):
            await remote.contact("nobody")
        assert await remote.reload_contacts() == 1
        # as a script writes them: unknown fields and bad values are refused
        for fields, why in (({"shoe_size": "42"}, "unknown field.*in fields: shoe_size"),
                            ({"phones": [1, 2]}, "list of strings"),
                            ({"photo": "a string"}, "expected a JSON object")):
            with pytest.raises(UsageError, match=why):
                await remote.request("save_contact", contact_id="alice-1", fields=fields)
        saved = await remote.request("save_contact", contact_id="alice-1",
                                     fields={"phones": "030 5"})  # one number, not a list
        assert saved.numbers == ("030 5",)
    finally:
        await remote.close()
        await server.close()


async def test_without_books_the_calls_say_so(tmp_path: Path) -> None:
    phone = build_phone(AppConfig(accounts=(ALICE,)), backend=FakeBackend(),
                        db_path=tmp_path / "t.db")
    await phone.start()
    try:
        with pytest.raises(UsageError, match="no address book"):
            await phone.contact("x")
    finally:
        await phone.stop()


async def test_photo_set_replaced_and_removed(phone: Phone, contacts_dir: Path) -> None:
    from tuiphone.engine.contact_fields import photo_field

    jpeg = b"\xff\xd8\xff\xe0" + b"\x00" * 64
    await phone.save_contact("alice-1", ContactFields(photo=photo_field(jpeg)))
    text = (contacts_dir / "alice.vcf").read_bytes().decode()
    assert text.count("PHOTO") == 1  # replaced in place, not added
    assert f"PHOTO;ENCODING=b;TYPE=JPEG:{base64.b64encode(jpeg).decode()[:40]}" in text
    got = await phone.contact_photo("alice-1")
    assert got is not None
    assert got.decoded() == ("image/jpeg", jpeg)
    await phone.save_contact("alice-1", ContactFields(photo=ContactPhoto()))
    assert "PHOTO" not in (contacts_dir / "alice.vcf").read_bytes().decode()
    assert (await phone.contact("alice-1")).has_photo is False
    for bad, why in ((ContactPhoto("text/plain", "aGk="), "not an image"),
                     (ContactPhoto("image/png", "%%%"), "base64"),
                     (ContactPhoto.image("image/png", b"x" * 1_000_001), "at most"),
                     ("a string", "must be")):
        with pytest.raises(UsageError, match=why):
            await phone.save_contact("alice-1", ContactFields(photo=bad))  # type: ignore[arg-type]
