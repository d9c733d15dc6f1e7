"""message --file, download and wait message --with-file through the command table
(FakeBackend, a real FT-HTTP server): the progress bar on stderr, quiet with --json."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from tests.commands.test_run_line import subscribed
from tests.support.ftserver import FtHttpServer
from tuiphone.commands.errors import ExpectationFailed
from tuiphone.commands.runner import run_line
from tuiphone.config.file_keys import FileKeyVault
from tuiphone.config.secret_store import PASSPHRASE_ENV, SecretStore
from tuiphone.engine.fake import FakeBackend
from tuiphone.engine.phone import Phone
from tuiphone.engine.setup import EngineSetup
from tuiphone.model.account import AccountConfig, Features
from tuiphone.model.errors import NetworkError, NotFound, UsageError
from tuiphone.model.files import FileConfig, UploadKind


@pytest.fixture
async def sharing(tmp_path, monkeypatch):
    monkeypatch.setenv(PASSPHRASE_ENV, "pw")
    ft = FtHttpServer(tmp_path / "ft").start()
    files = FileConfig(server=ft.url, kind=UploadKind.FTHTTP)
    accounts = tuple(AccountConfig(id=u, uri=f"sip:{u}@127.0.0.1", files=files,
                                   features=Features(file_sharing=True)) for u in ("me", "bob"))
    setup = EngineSetup(accounts=accounts, echo_line=False, db_path=tmp_path / "db",
                        files_dir=tmp_path / "files",
                        file_keys=FileKeyVault(tmp_path / "k", SecretStore(tmp_path / "s")))
    phone = Phone(setup, FakeBackend())
    await phone.start()
    yield phone, ft, tmp_path
    await phone.stop()
    ft.stop()


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


async def test_send_wait_and_download_again(sharing, capsys):
    phone, ft, tmp = sharing
    src = await asyncio.to_thread(_write, tmp / "plan.pdf", b"%PDF-1.4 plan" * 10_000)
    waiting = asyncio.ensure_future(run_line(phone, "wait message --with-file --timeout 10"))
    await subscribed(phone, 1)  # the wait listens before the file goes
    sent = await run_line(phone, f"message sip:bob@127.0.0.1 --file {src}")
    assert sent.delivery.value == "sent"
    err = capsys.readouterr().err
    assert "plan.pdf" in err
    assert "100% uploaded" in err
    got = await asyncio.wait_for(waiting, 10)
    saved = got["match"]
    assert (saved["state"], saved["filename"], saved["done"]) == ("saved", "plan.pdf", 130_000)
    assert Path(saved["path"]).parent == tmp / "files"
    incoming = next(m for m in await phone.messages() if m.direction == "in")
    again = await run_line(phone, f"download {incoming.id} --out {tmp / 'copy.pdf'} --json")
    assert [Path(t["path"]).name for t in again] == ["copy.pdf"]
    assert capsys.readouterr().err == ""  # --json: quiet
    ft.expire()
    with pytest.raises(NetworkError, match="HTTP 404"):
        await run_line(phone, f"download {incoming.id}")


async def test_clear_refusals(sharing):
    phone, _ft, tmp = sharing
    with pytest.raises(UsageError, match="what to send"):
        await run_line(phone, "message sip:bob@127.0.0.1")
    with pytest.raises(UsageError, match="No such file"):
        await run_line(phone, f"message sip:bob@127.0.0.1 --file {tmp / 'nope'}")
    with pytest.raises(NotFound, match="no stored message"):
        await run_line(phone, "download 0123456789ab")
    with pytest.raises(UsageError, match="only go with 'wait message'"):
        await run_line(phone, "wait registered --with-file")
    assert ExpectationFailed  # a failed or refused download ends 'wait --with-file' (exit 1)
