"""contacts add/edit/delete through the CLI, and the running engine hearing of it."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from tests.commands.cli import run_contacts
from tuiphone.commands.contacts.edit import parse_sets
from tuiphone.commands.contacts.notify import tell_engine
from tuiphone.model.contact import ContactFields
from tuiphone.model.errors import UsageError

ALICE = (
    "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:alice-1\r\nFN:Alice Liddell\r\nORG:Wonderland\r\n"
    "TEL;TYPE=cell:+49 30 1234567\r\nX-CUSTOM:keep me\r\nEND:VCARD\r\n"
)


@pytest.fixture
def book(tmp_path: Path) -> Path:
    folder = tmp_path / "book"
    folder.mkdir()
    (folder / "alice.vcf").write_bytes(ALICE.encode())
    return folder


@pytest.fixture
def config(tmp_path: Path, book: Path) -> Path:
    cfg = tmp_path / "config.toml"
    cfg.write_text(f'[contacts]\ndefault_region = "DE"\nvdirs = ["{book}"]\n')
    cfg.chmod(0o600)
    return cfg


run = run_contacts


def test_parse_sets_collects_lists_and_refuses_unknown_fields() -> None:
    fields = parse_sets(["fn=Bob", "phones=030 1", "phones=030 2", "emails="])
    assert fields == ContactFields(fn="Bob", phones=("030 1", "030 2"), emails=())
    with pytest.raises(UsageError, match="FIELD=VALUE"):
        parse_sets(["colour=blue"])
    with pytest.raises(UsageError, match="FIELD=VALUE"):
        parse_sets(["fn"])


def test_edit_changes_only_the_edited_line(
    config: Path, book: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, config, "edit", "alice-1", "--set", "org=Looking Glass", "--json")
    assert code == 0
    assert json.loads(out)["org"] == "Looking Glass"
    assert (book / "alice.vcf").read_bytes() == ALICE.replace(
        "ORG:Wonderland", "ORG:Looking Glass").encode()
    code, _, err = run(capsys, config, "edit", "nobody", "--set", "org=x")
    assert code == 1
    assert "no contact with ID" in err
    code, _, err = run(capsys, config, "edit", "alice-1")
    assert code == 2
    assert "nothing to change" in err


def test_add_then_delete(config: Path, book: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, config, "add", "--set", "fn=Bob Builder",
                       "--set", "phones=030 7654321", "--json")
    assert code == 0
    made = json.loads(out)
    assert made["numbers"] == ["030 7654321"]
    assert len(list(book.iterdir())) == 2
    code, out, _ = run(capsys, config, "lookup", "+49307654321", "--json")
    assert json.loads(out)["id"] == made["id"]
    code, out, _ = run(capsys, config, "delete", made["id"], "--json")
    assert code == 0
    assert json.loads(out)["name"] == "Bob Builder"
    assert [p.name for p in book.iterdir()] == ["alice.vcf"]
    code, _, err = run(capsys, config, "add", "--set", "org=nameless")
    assert code == 2
    assert "--set fn=NAME" in err


async def test_a_running_engine_reloads_when_told(book: Path, tmp_path: Path) -> None:
    from tuiphone.config.schema import AppConfig, ContactsConfig, EngineConfig
    from tuiphone.control import ControlServer, socket_path
    from tuiphone.engine.fake import FakeBackend
    from tuiphone.host.build import build_phone
    from tuiphone.model.events import ContactsChanged

    assert await tell_engine() is False  # nobody listening: nothing happens
    config = AppConfig(accounts=(), engine=EngineConfig(echo_line=False),
                       contacts=ContactsConfig(vdirs=(str(book),)))
    phone = build_phone(config, backend=FakeBackend(), db_path=tmp_path / "t.db")
    await phone.start()
    server = ControlServer(phone, socket_path())
    await server.start()
    try:
        await phone.callerid.ready()
        changed = phone.bus.waiter(lambda ev: isinstance(ev, ContactsChanged))
        assert await tell_engine() is True
        assert (await asyncio.wait_for(changed, 5)).count == 1  # type: ignore[attr-defined]
    finally:
        await server.close()
        await phone.stop()


def test_books_lists_every_book_with_its_count(
    config: Path, book: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, config, "books", "--json")
    assert code == 0
    assert json.loads(out) == [{"book": "vdir1", "kind": "vdir", "where": str(book),
                                "contacts": 1, "last_sync": ""}]


def test_books_shows_a_carddav_book_never_synced(
    tmp_path: Path, book: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cfg = tmp_path / "dav.toml"
    cfg.write_text(f'[contacts]\nvdirs = ["{book}"]\n\n[[contacts.carddav]]\nid = "work"\n'
                   'url = "https://dav.example.com/alice/book/"\n')
    cfg.chmod(0o600)
    code, out, _ = run(capsys, cfg, "books", "--json")
    assert code == 0
    rows = {r["book"]: r for r in json.loads(out)}
    assert rows["work"] == {"book": "work", "kind": "carddav",
                            "where": "https://dav.example.com/alice/book/",
                            "contacts": 0, "last_sync": "never"}


def test_photo_from_a_file_and_removed(
    config: Path, book: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    picture = tmp_path / "face.png"
    picture.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 32)
    code, out, _ = run(capsys, config, "edit", "alice-1", "--set", f"photo=@{picture}", "--json")
    assert code == 0
    assert json.loads(out)["has_photo"] is True
    assert "PHOTO;ENCODING=b;TYPE=PNG:" in (book / "alice.vcf").read_bytes().decode()
    code, _, _ = run(capsys, config, "edit", "alice-1", "--set", "photo=")
    assert code == 0
    assert "PHOTO" not in (book / "alice.vcf").read_bytes().decode()
    code, _, err = run(capsys, config, "edit", "alice-1", "--set", "photo=@/no/such.png")
    assert code == 2
    assert "/no/such.png" in err
    code, _, err = run(capsys, config, "edit", "alice-1", "--set", "photo=face.png")
    assert code == 2
    assert "photo=@FILE" in err
