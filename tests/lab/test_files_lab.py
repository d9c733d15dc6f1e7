"""File attachments against real servers: nginx (dav module) as the PUT/GET upload
server, the FT-HTTP test server for the POST flow, and tuiphone to tuiphone through
Kamailio with the real pjsua2 engine (one engine, two registered accounts: the MESSAGE
goes out to Kamailio and back)."""

from __future__ import annotations

import asyncio
import io
import os
from pathlib import Path

import pjsua2  # noqa: F401 - a hard dependency: missing, the lab must fail, not skip
import pytest

from tests.lab.engine_harness import Watch, lab_account
from tests.support.ftserver import FtHttpServer
from tuiphone.config.file_keys import FileKeyVault
from tuiphone.config.secret_store import PASSPHRASE_ENV, SecretStore
from tuiphone.files import http
from tuiphone.files.errors import TransferError
from tuiphone.model.account import Features, RegState
from tuiphone.model.events import FileTransferChanged, MessageStatus
from tuiphone.model.files import FTHTTP_TYPE, FileConfig, TransferState, UploadKind
from tuiphone.model.message import Delivery

pytestmark = pytest.mark.lab


def _file(path: Path, size: int) -> tuple[Path, bytes]:
    data = os.urandom(size)
    path.write_bytes(data)
    return path, data


def _get(url: str) -> bytes:
    out = io.BytesIO()
    http.download(url, 10**9, "application/octet-stream", None,
                  lambda chunks: [out.write(c) for c in chunks])
    return out.getvalue()


def test_nginx_put_get_413_404(nginx_factory, tmp_path):
    server = nginx_factory(max_body="1m")
    src, data = _file(tmp_path / "ok.bin", 512 * 1024)
    seen: list[int] = []
    url = http.put_upload(server.upload_url, src, seen.append)
    assert url.startswith(server.upload_url)
    assert seen[-1] == len(data)
    assert _get(url) == data
    big, _ = _file(tmp_path / "big.bin", 2 * 1024 * 1024)
    with pytest.raises(TransferError, match=r"HTTP 413 \(the file is larger than the server "
                                            r"accepts\)") as err:
        http.put_upload(server.upload_url, big)
    assert not err.value.transient
    assert len(list(server.files.iterdir())) == 1  # nothing left of the refused upload
    with pytest.raises(TransferError, match=r"HTTP 404 \(not found: the link expired"):
        _get(server.upload_url + "gone")
    server.stop()
    with pytest.raises(TransferError) as err:
        http.put_upload(server.upload_url, src)
    assert err.value.transient


@pytest.fixture
def sharing(tmp_path, monkeypatch):
    """EngineSetup arguments for file sharing: a real vault in tmp."""
    monkeypatch.setenv(PASSPHRASE_ENV, "lab passphrase")
    vault = FileKeyVault(tmp_path / "keys", SecretStore(tmp_path / "secrets.json.enc"))
    return {"files_dir": tmp_path / "files", "file_keys": vault, "message_backoff_s": (0.3,)}


async def _pair(kamailio, phone_factory, files: FileConfig, sharing):
    accounts = [lab_account(kamailio, u, features=Features(file_sharing=True), files=files)
                for u in ("alice", "bob")]
    phone = await phone_factory(*accounts, **sharing)
    watch = Watch(phone)
    for user in ("alice", "bob"):
        acc = await watch.settled(phone, user)
        assert acc.reg_state is RegState.REGISTERED, f"{user}: {acc.code} {acc.reason}"
    return phone, watch


def _saved(e) -> bool:
    return isinstance(e, FileTransferChanged) and e.transfer.state is TransferState.SAVED


@pytest.mark.pjsua
@pytest.mark.parametrize("kind", [UploadKind.PUT, UploadKind.FTHTTP])
async def test_tuiphone_to_tuiphone_with_a_file(kamailio, phone_factory, nginx_factory,
                                                tmp_path, sharing, kind):
    if kind is UploadKind.PUT:
        server_url = nginx_factory(max_body="10m").upload_url
        ft = None
    else:
        ft = FtHttpServer(tmp_path / "ft").start()
        server_url = ft.url
    try:
        files = FileConfig(server=server_url, kind=kind)
        phone, watch = await _pair(kamailio, phone_factory, files, sharing)
        src, data = await asyncio.to_thread(_file, tmp_path / "report.pdf", 3 * 1024 * 1024)
        msg = await phone.send_file(kamailio.aor("bob"), str(src), "alice")
        sent = await watch.wait(lambda e: isinstance(e, MessageStatus)
                                and e.message.id == msg.id and not e.message.delivery.pending)
        assert sent.message.delivery is Delivery.SENT, sent.message.reason
        got = (await watch.wait(_saved)).transfer
        assert got.message_id != msg.id  # bob's copy, received through Kamailio
        path = Path(got.path)
        assert path.name == "report.pdf"
        assert await asyncio.to_thread(path.read_bytes) == data
        (incoming,) = [m for m in await phone.messages() if m.direction == "in"]
        assert incoming.content_type == FTHTTP_TYPE
        assert "file-key" not in incoming.body
        ups = [e.transfer.done for e in watch.seen if isinstance(e, FileTransferChanged)
               and e.transfer.state is TransferState.UPLOADING]
        assert ups
        assert ups[-1] == len(data)
        # the key went inside the MESSAGE, yet the SIP trace (ring, stream, log) hides it
        traced = [t.text for t in await phone.trace() if "rcs-ft-http+xml" in t.text]
        assert traced
        assert all("<file-key>[hidden]</file-key>" in t for t in traced)
    finally:
        if ft is not None:
            ft.stop()


@pytest.mark.pjsua
async def test_an_image_goes_with_a_thumbnail_shown_before_the_file(
        kamailio, phone_factory, nginx_factory, tmp_path, sharing):
    from PIL import Image

    files = FileConfig(server=nginx_factory(max_body="10m").upload_url, kind=UploadKind.PUT)
    phone, watch = await _pair(kamailio, phone_factory, files, sharing)
    src = tmp_path / "holiday.png"
    await asyncio.to_thread(lambda: Image.effect_noise((1600, 1200), 60).convert("RGB")
                            .save(src))
    msg = await phone.send_file(kamailio.aor("bob"), str(src), "alice")
    saved = (await watch.wait(_saved)).transfer
    assert saved.message_id != msg.id
    shown = [e.transfer for e in watch.seen if isinstance(e, FileTransferChanged)
             and e.transfer.message_id == saved.message_id]
    first_thumb = next(i for i, t in enumerate(shown) if t.thumbnail)
    assert first_thumb < shown.index(saved)  # the thumbnail came before the file
    thumb = Path(shown[first_thumb].thumbnail)
    assert thumb.parent == tmp_path / "files" / ".thumbnails"
    with Image.open(thumb) as img:
        assert (img.format, max(img.size)) == ("JPEG", 160)
    sizes = await asyncio.to_thread(lambda: (thumb.stat().st_size, src.stat().st_size))
    assert sizes[0] < 64 * 1024 < sizes[1]
    assert await asyncio.to_thread(Path(saved.path).read_bytes) == src.read_bytes()


@pytest.mark.pjsua
async def test_upload_server_down_then_back(kamailio, phone_factory, nginx_factory, tmp_path,
                                            sharing):
    server = nginx_factory()
    phone, watch = await _pair(kamailio, phone_factory,
                               FileConfig(server=server.upload_url), sharing)
    server.stop()
    src, data = await asyncio.to_thread(_file, tmp_path / "a.bin", 10_000)
    msg = await phone.send_file(kamailio.aor("bob"), str(src), "alice")
    again = await watch.wait(lambda e: isinstance(e, MessageStatus) and e.message.id == msg.id
                             and e.message.delivery is Delivery.QUEUED and e.message.reason)
    assert "upload to" in again.message.reason
    assert [m.id for m in await phone.messages(pending=True)] == [msg.id]
    assert [m for m in await phone.messages() if m.direction == "in"] == []  # nothing sent
    await asyncio.to_thread(server.start)  # the same port
    done = await watch.wait(lambda e: isinstance(e, MessageStatus) and e.message.id == msg.id
                            and not e.message.delivery.pending)
    assert done.message.delivery is Delivery.SENT
    got = (await watch.wait(_saved)).transfer
    assert await asyncio.to_thread(Path(got.path).read_bytes) == data
