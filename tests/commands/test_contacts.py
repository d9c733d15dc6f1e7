"""contacts search/show/lookup/import/export through the real CLI entry point, on a vdir.

The contacts commands are local: they read the books from the config and start no
engine, so these run in-process with ``main([...])``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.commands.cli import run_contacts
from tuiphone.cli.main import main
from tuiphone.contacts import read_vdir

ALICE = (
    "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:alice-1\r\nFN:Alice Liddell\r\nORG:Wonderland\r\n"
    "TEL;TYPE=cell:+49 30 1234567\r\nIMPP:sip:alice@127.0.0.1\r\n"
    "EMAIL:alice@example.test\r\nEND:VCARD\r\n"
)
BOB = (
    "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:bob-2\r\nFN:Bob Builder\r\n"
    "TEL:030 7654321\r\nEND:VCARD\r\n"
)


@pytest.fixture
def config(tmp_path: Path) -> Path:
    book = tmp_path / "book"
    book.mkdir()
    (book / "alice.vcf").write_text(ALICE)
    (book / "bob.vcf").write_text(BOB)
    cfg = tmp_path / "config.toml"
    cfg.write_text(f'[contacts]\ndefault_region = "DE"\nvdirs = ["{book}"]\n')
    cfg.chmod(0o600)
    return cfg


run = run_contacts


def test_search_found_and_not_found(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, config, "search", "wonder", "--json")
    assert code == 0
    (found,) = json.loads(out)
    assert found["name"] == "Alice Liddell"
    assert found["id"] == "alice-1"
    assert found["numbers"] == ["+49 30 1234567"]
    code, out, err = run(capsys, config, "search", "nobody", "--json")
    assert code == 1
    assert json.loads(out) == []
    assert "no contact matches" in err


def test_search_human_output_is_a_table(
    config: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "200")  # rich wraps to the terminal width
    code, out, _ = run(capsys, config, "search")
    assert code == 0
    assert "Alice Liddell" in out
    assert "Bob Builder" in out


def test_show_found_and_not_found(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, config, "show", "bob-2", "--json")
    assert code == 0
    shown = json.loads(out)
    assert shown["name"] == "Bob Builder"
    assert shown["file"].endswith("bob.vcf")
    code, _, err = run(capsys, config, "show", "nope", "--json")
    assert code == 1
    assert "no contact with ID 'nope'" in err
    code, _, _ = run(capsys, config, "show")
    assert code == 2


def test_lookup_number_and_uri(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, config, "lookup", "+49 30 7654321", "--json")
    assert code == 0
    assert json.loads(out)["name"] == "Bob Builder"
    code, out, _ = run(capsys, config, "lookup", '"A" <sip:alice@127.0.0.1>', "--json")
    assert code == 0
    assert json.loads(out)["id"] == "alice-1"
    code, _, err = run(capsys, config, "lookup", "sip:carol@127.0.0.1")
    assert code == 1
    assert "no contact owns" in err


def test_import_keeps_good_cards_and_names_the_bad_line(
    config: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = "BEGIN:VCARD\r\nVERSION:3.0\r\nNOTE:nothing useful\r\nEND:VCARD\r\n"
    good1 = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Carol C\r\nTEL:0301111\r\nEND:VCARD\r\n"
    good2 = "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:dave\r\nFN:Dave D\r\nEND:VCARD\r\n"
    export = tmp_path / "export.vcf"
    export.write_text(good1 + bad + good2)
    code, out, err = run(capsys, config, "import", str(export), "--json")
    assert code == 0, err
    report = json.loads(out)
    assert report["imported"] == 2
    assert f"{export}:6:" in err  # the bad card's BEGIN line
    assert report["warnings"] == [w for w in report["warnings"] if f"{export}:6:" in w]
    names = {c.display_name for c in read_vdir(tmp_path / "book", "b").contacts}
    assert names == {"Alice Liddell", "Bob Builder", "Carol C", "Dave D"}
    code, out, _ = run(capsys, config, "lookup", "030 1111", "--json")
    assert json.loads(out)["name"] == "Carol C"


def test_import_without_a_vdir_is_a_clear_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cfg = tmp_path / "dav-only.toml"
    cfg.write_text('[[contacts.carddav]]\nid = "cloud"\nurl = "https://dav.invalid/"\n')
    (tmp_path / "x.vcf").write_text(ALICE)
    code, _, err = run(capsys, cfg, "import", str(tmp_path / "x.vcf"))
    assert code == 2
    assert "contacts.vdirs" in err


def test_no_books_configured(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cfg = tmp_path / "empty.toml"
    cfg.write_text("[contacts]\n")
    code, _, err = run(capsys, cfg, "search", "x")
    assert code == 2
    assert "no address book configured" in err


def test_export_vcf_round_trips(
    config: Path, tmp_path: Path, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    assert main(["--config", str(config), "contacts", "export"]) == 0
    data = capsysbinary.readouterr().out
    dump = tmp_path / "dump.vcf"
    dump.write_bytes(data)
    from tuiphone.contacts import read_file

    again = read_file(dump, "x")
    assert not again.warnings
    assert sorted(c.uid for c in again.contacts) == ["alice-1", "bob-2"]
    alice = next(c for c in again.contacts if c.uid == "alice-1")
    assert alice.sips == ("sip:alice@127.0.0.1",)
    assert ALICE.encode() in data  # a card that is well-formed already: exported as stored


def test_export_json(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, config, "export", "--format", "json")
    assert code == 0
    rows = json.loads(out)
    assert [r["name"] for r in rows] == ["Alice Liddell", "Bob Builder"]
    assert rows[0]["emails"] == ["alice@example.test"]
    code, out2, _ = run(capsys, config, "export", "--json")
    assert json.loads(out2) == rows


def test_sync_unknown_book_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cfg = tmp_path / "dav.toml"
    cfg.write_text('[[contacts.carddav]]\nid = "cloud"\nurl = "https://dav.invalid/"\n')
    code, _, err = run(capsys, cfg, "sync", "nope")
    assert code == 2
    assert "known: cloud" in err
