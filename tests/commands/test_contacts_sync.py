"""contacts sync against a real Radicale (the tests/contacts server fixture)."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.commands.cli import run_contacts
from tests.contacts import servers
from tuiphone.contacts.dav import ops
from tuiphone.contacts.dav.client import DavClient


def _card(uid: str, fn: str, tel: str) -> bytes:
    return (f"BEGIN:VCARD\r\nVERSION:3.0\r\nUID:{uid}\r\nFN:{fn}\r\nTEL:{tel}\r\n"
            "END:VCARD\r\n").encode()


@pytest.fixture(scope="module")
def radicale(tmp_path_factory: pytest.TempPathFactory) -> Iterator[servers.Server]:
    with servers.radicale(tmp_path_factory.mktemp("radicale")) as server:
        yield server


@pytest.fixture
async def book_url(radicale: servers.Server) -> str:
    url = f"{radicale.url.rstrip('/')}{radicale.home}{uuid.uuid4().hex}/"
    async with DavClient(servers.settings(radicale)) as client:
        await ops.make_book(client, url, "Work")
        await ops.put_card(client, f"{url}a.vcf", _card("dav-a", "Ada Lovelace", "+44 20 1"),
                           None)
        await ops.put_card(client, f"{url}b.vcf", _card("dav-b", "Alan Turing", "+44 20 2"),
                           None)
    return url


def _config(tmp_path: Path, url: str) -> Path:
    cfg = tmp_path / "config.toml"
    cfg.write_text(f'[[contacts.carddav]]\nid = "work"\nurl = "{url}"\nusername = "alice"\n'
                   'password_env = "TP_TEST_DAV_PASSWORD"\n')
    cfg.chmod(0o600)
    return cfg


run = run_contacts


def test_sync_fetches_cards_then_lookup_reads_the_cache(
    book_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch, radicale: servers.Server,
) -> None:
    monkeypatch.setenv("TP_TEST_DAV_PASSWORD", radicale.password)
    cfg = _config(tmp_path, book_url)
    code, out, err = run(capsys, cfg, "sync", "work", "--json")
    assert code == 0, err
    (row,) = json.loads(out)
    assert row["book"] == "work"
    assert row["ok"] is True
    assert row["fetched"] == 2
    assert "work:" in err  # progress on stderr
    code, out, _ = run(capsys, cfg, "lookup", "+44 20 2", "--json")
    assert code == 0
    assert json.loads(out)["name"] == "Alan Turing"


def test_sync_wrong_password_fails_with_the_report(
    book_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("TP_TEST_DAV_PASSWORD", "wrong")
    code, out, err = run(capsys, _config(tmp_path, book_url), "sync", "--json")
    assert code == 1
    assert json.loads(out)[0]["ok"] is False
    assert "tuiphone:" in err


def test_sync_unreachable_server_is_exit_5(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TP_TEST_DAV_PASSWORD", "x")
    url = f"http://127.0.0.1:{servers.free_port()}/alice/book/"
    code, _, err = run(capsys, _config(tmp_path, url), "sync")
    assert code == 5
    assert "127.0.0.1" in err
