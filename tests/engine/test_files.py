"""File attachments through the engine: the fake SIP backend (two local accounts message
each other), a real FT-HTTP server over HTTP, the real key vault and database."""

from __future__ import annotations

import asyncio
import base64
import json
import os
import stat
import zlib
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from tests.support.ftserver import FtHttpServer
from tuiphone.config.file_keys import FileKeyVault
from tuiphone.config.secret_store import PASSPHRASE_ENV, SecretStore
from tuiphone.engine.fake import FakeBackend
from tuiphone.engine.phone import Phone
from tuiphone.engine.setup import EngineSetup
from tuiphone.model.account import AccountConfig, Features
from tuiphone.model.errors import NetworkError, UsageError
from tuiphone.model.events import FileTransferChanged, MessageReceived, MessageStatus
from tuiphone.model.files import (
    ACROBITS_TYPE,
    FTHTTP_TYPE,
    FileConfig,
    TransferState,
    UploadKind,
)
from tuiphone.model.message import Delivery, Message

SHARING = Features(file_sharing=True)


@pytest.fixture
def ft(tmp_path):
    server = FtHttpServer(tmp_path / "ft-store").start()
    yield server
    server.stop()


@pytest.fixture
def rig(tmp_path, ft, monkeypatch):
    monkeypatch.setenv(PASSPHRASE_ENV, "correct horse")
    async def make(max_mb: int = 25, sharing: Features = SHARING, auto: bool = True,
                   linphone_peers: tuple[str, ...] = ()) -> Phone:
        files = FileConfig(server=ft.url, kind=UploadKind.FTHTTP, max_size=max_mb * 2**20,
                           auto_download=auto, linphone_peers=linphone_peers)
        accounts = tuple(AccountConfig(id=u, uri=f"sip:{u}@example.test", features=sharing,
                                       files=files) for u in ("alice", "bob"))
        vault = FileKeyVault(tmp_path / "keys", SecretStore(tmp_path / "secrets.json.enc"))
        setup = EngineSetup(accounts=accounts, echo_line=False, db_path=tmp_path / "db",
                            files_dir=tmp_path / "files", file_keys=vault,
                            message_backoff_s=(0.2,))
        phone = Phone(setup, FakeBackend())
        await phone.start()
        return phone

    return make


@pytest.fixture
async def phone(rig):
    phone = await rig()
    yield phone
    await phone.stop()


def _bytes(path: str | Path) -> bytes:
    return Path(path).read_bytes()


def _everything(folder: Path, but: tuple[Path, ...]) -> bytes:
    return b"".join(p.read_bytes() for p in folder.rglob("*") if p.is_file() and p not in but)


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _listing(folder: Path) -> list[Path]:
    return sorted(folder.iterdir()) if folder.exists() else []


def transfer(state: TransferState, message_id: str | None = None):
    return lambda e: (isinstance(e, FileTransferChanged) and e.transfer.state is state
                      and (message_id is None or e.transfer.message_id == message_id))


def _status(msg_id: str, delivery: Delivery):
    return lambda e: (isinstance(e, MessageStatus) and e.message.id == msg_id
                      and e.message.delivery is delivery)


async def test_a_file_goes_encrypted_and_is_saved_by_the_receiver(phone, tmp_path, ft):
    data = os.urandom(700_000)
    src = _write(tmp_path / "holiday photo.png", data)
    saved = phone.bus.waiter(transfer(TransferState.SAVED))
    sent_ok = phone.bus.waiter(lambda e: isinstance(e, MessageStatus)
                               and e.message.delivery is Delivery.SENT)
    seen: list[object] = []
    phone.bus.waiter(lambda e: seen.append(e) and False)  # records every event
    msg = await phone.send_file("sip:bob@example.test", str(src), "alice")
    assert msg.delivery is Delivery.QUEUED
    assert msg.content_type == FTHTTP_TYPE
    await asyncio.wait_for(sent_ok, 10)
    got = (await asyncio.wait_for(saved, 10)).transfer
    path = Path(got.path)
    assert path.parent == tmp_path / "files"
    assert path.name == "holiday photo.png"
    assert _bytes(path) == data
    assert _mode(path) == 0o600
    # the server only ever held ciphertext under a neutral name
    (stored,) = ft.stored()
    assert _bytes(stored) != data
    assert len(_bytes(stored)) == len(data)
    assert stored.suffix == ".txt"
    # the MESSAGE carried the key; nothing on disk holds it in plain text
    (_, _, body) = phone.backend.sent_messages[-1]
    assert "<file-key>" in body
    assert "<file-authTag>" in body
    assert "holiday photo.png" in body
    key = base64.b64decode(body.split("<file-key>")[1].split("<")[0])
    assert len(key) == 44  # AES-256-GCM: 32-byte key + 12-byte nonce
    on_disk = _everything(tmp_path, but=(path, *ft.stored()))
    assert key not in on_disk
    assert base64.b64encode(key) not in on_disk
    stored_msgs = await phone.messages()
    assert all("file-key" not in m.body for m in stored_msgs)
    reported = [e.message.body for e in seen if isinstance(e, MessageStatus)]
    assert reported
    assert all(b.startswith("[file] ") for b in reported)
    assert [m.body for m in stored_msgs] == ["[file] holiday photo.png (700.0 kB)"] * 2


async def test_upload_server_down_keeps_the_message_queued_then_sends(phone, tmp_path, ft):
    src = _write(tmp_path / "a.txt", b"hello")
    ft.stop()
    requeued = phone.bus.waiter(lambda e: isinstance(e, MessageStatus)
                                and e.message.delivery is Delivery.QUEUED and e.message.reason)
    msg = await phone.send_file("sip:bob@example.test", str(src), "alice")
    queued = (await asyncio.wait_for(requeued, 10)).message
    assert queued.id == msg.id
    assert "upload to" in queued.reason
    assert phone.backend.sent_messages == []  # no MESSAGE without its file
    assert [m.id for m in await phone.messages(pending=True)] == [msg.id]
    saved = phone.bus.waiter(transfer(TransferState.SAVED))
    sent = phone.bus.waiter(_status(msg.id, Delivery.SENT))
    ft.start()  # same port: the next retry finds it
    await asyncio.wait_for(sent, 10)
    assert _bytes((await asyncio.wait_for(saved, 10)).transfer.path) == b"hello"
    assert len(phone.backend.sent_messages) == 1


def _offer(phone: Phone, body: str, ctype: str = FTHTTP_TYPE, mid: str = "in-1") -> None:
    msg = Message(mid, "bob", "in", "sip:mallory@example.test", body, ctype, 1e9,
                  Delivery.RECEIVED)
    phone.backend._send(MessageReceived(msg))


def _host(ft: FtHttpServer, data: bytes, name: str = "blob.bin") -> str:
    _write(ft.folder / name, data)
    return f"http://127.0.0.1:{ft.port}/tmp/{name}"


def _xml(url: str, size: int, name: str, key: bytes = b"", tag: bytes = b"") -> str:
    from tuiphone.files import fthttp
    from tuiphone.files.crypto import FileKey
    from tuiphone.files.offer import FileOffer

    return fthttp.build(FileOffer(url, size, "application/octet-stream", name,
                                  FileKey("gcm", key, tag) if key else None))


def _gcm(data: bytes, bits: int = 256) -> tuple[bytes, bytes, bytes]:
    klen, ivlen = (32, 12) if bits == 256 else (24, 8)
    material = os.urandom(klen + ivlen)
    enc = Cipher(algorithms.AES(material[:klen]), modes.GCM(material[klen:])).encryptor()
    return enc.update(data) + enc.finalize(), material, enc.tag


async def test_a_tampered_file_is_refused_and_nothing_is_saved(phone, tmp_path, ft):
    cipher, key, tag = _gcm(b"the real contract" * 1000)
    bad = bytearray(cipher)
    bad[5] ^= 1
    failed = phone.bus.waiter(transfer(TransferState.FAILED))
    _offer(phone, _xml(_host(ft, bytes(bad)), len(bad), "contract.pdf", key, tag))
    got = (await asyncio.wait_for(failed, 10)).transfer
    assert "authentication tag does not match" in got.error
    assert _listing(tmp_path / "files") == []
    (msg,) = await phone.messages()
    assert msg.body == "[file] contract.pdf (17.0 kB)"
    stored = phone.store.message(msg.id)
    assert "file: the file's authentication tag does not match" in stored.reason


@pytest.mark.parametrize(("name", "saved"), [
    ("../../x", "x"), ("/etc/passwd", "passwd"), ("..", "file"), ("", "file")])
async def test_hostile_names_are_saved_inside_the_files_folder(phone, tmp_path, ft, name, saved):
    cipher, key, tag = _gcm(b"data", bits=192)  # the Linphone format is accepted too
    done = phone.bus.waiter(transfer(TransferState.SAVED))
    _offer(phone, _xml(_host(ft, cipher), 4, name, key, tag))
    path = Path((await asyncio.wait_for(done, 10)).transfer.path)
    assert path.parent == tmp_path / "files"
    assert path.name == saved
    assert _bytes(path) == b"data"


async def test_a_nul_in_a_name_is_replaced(phone, tmp_path, ft):
    """XML cannot carry NUL; JSON (Acrobits) can."""
    doc = {"attachments": [{"content-url": _host(ft, b"data"), "filename": "../a\x00b.sh",
                            "hash": str(zlib.crc32(b"data"))}]}
    done = phone.bus.waiter(transfer(TransferState.SAVED))
    _offer(phone, json.dumps(doc), ACROBITS_TYPE)
    path = Path((await asyncio.wait_for(done, 10)).transfer.path)
    saved = "a_b.sh"
    assert path.parent == tmp_path / "files"
    assert path.name == saved
    assert _bytes(path) == b"data"


async def test_over_the_size_cap_is_offered_not_fetched(rig, tmp_path, ft):
    phone = await rig(max_mb=1)
    try:
        cipher, key, tag = _gcm(os.urandom(2 * 2**20))
        offered = phone.bus.waiter(transfer(TransferState.OFFERED))
        _offer(phone, _xml(_host(ft, cipher), len(cipher), "big.bin", key, tag))
        await asyncio.wait_for(offered, 10)
        # lying about the size does not get past the cap either
        small_claim = _xml(_host(ft, cipher, "b2.bin"), 10, "big2.bin", key, tag)
        failed = phone.bus.waiter(transfer(TransferState.FAILED))
        _offer(phone, small_claim, mid="in-2")
        assert "over the limit" in (await asyncio.wait_for(failed, 10)).transfer.error
        assert _listing(tmp_path / "files") == []
    finally:
        await phone.stop()


async def test_download_again_and_an_expired_link(phone, tmp_path, ft):
    cipher, key, tag = _gcm(b"keep me")
    saved = phone.bus.waiter(transfer(TransferState.SAVED))
    _offer(phone, _xml(_host(ft, cipher), 7, "note.txt", key, tag))
    first = Path((await asyncio.wait_for(saved, 10)).transfer.path)
    (again,) = await phone.download("in-1")
    assert Path(again.path) == first.with_name("note-1.txt")  # never overwritten
    assert _bytes(again.path) == b"keep me"
    out = tmp_path / "elsewhere"
    await asyncio.to_thread(out.mkdir)
    (third,) = await phone.download("in-1", str(out))
    assert Path(third.path) == out / "note.txt"
    ft.expire()
    with pytest.raises(NetworkError, match=r"HTTP 404 \(not found: the link expired"):
        await phone.download("in-1")
    assert "HTTP 404" in phone.store.message("in-1").reason


async def test_acrobits_json_is_received(phone, tmp_path, ft):
    data = os.urandom(50_000)
    key = os.urandom(16)
    enc = Cipher(algorithms.AES(key), modes.CTR(bytes(16))).encryptor()
    url = _host(ft, enc.update(data) + enc.finalize())
    doc = {"body": "Nice pics", "attachments": [{
        "content-type": "image/jpeg", "content-url": url, "content-size": len(data),
        "filename": "original.jpg", "encryption-key": key.hex(), "hash": str(zlib.crc32(data))}]}
    saved = phone.bus.waiter(transfer(TransferState.SAVED))
    _offer(phone, json.dumps(doc), ACROBITS_TYPE)
    path = Path((await asyncio.wait_for(saved, 10)).transfer.path)
    assert path.name == "original.jpg"
    assert _bytes(path) == data
    (msg,) = await phone.messages()
    assert msg.body == "Nice pics\n[file] original.jpg (50.0 kB)"
    assert key.hex() not in _bytes(tmp_path / "db").hex()


async def test_with_file_sharing_off_nothing_is_fetched_or_kept(rig, tmp_path, ft):
    phone = await rig(sharing=Features())
    try:
        with pytest.raises(UsageError, match="file sharing is off"):
            await phone.send_file("sip:bob@example.test", __file__, "alice")
        cipher, key, tag = _gcm(b"x")
        got = phone.bus.waiter(lambda e: isinstance(e, MessageReceived))
        _offer(phone, _xml(_host(ft, cipher), 1, "x", key, tag))
        msg = (await asyncio.wait_for(got, 10)).message
        assert "file sharing is off" in msg.body
        assert "file-key" not in msg.body
        assert phone.store.attachments(msg.id) == []
        assert ft.requests == []
    finally:
        await phone.stop()


async def test_retention_removes_old_files_and_their_keys(tmp_path, monkeypatch):
    from tuiphone.store import Store
    from tuiphone.store.attachments import Attachment

    monkeypatch.setenv(PASSPHRASE_ENV, "pw")
    vault = FileKeyVault(tmp_path / "keys", SecretStore(tmp_path / "s"))
    files = tmp_path / "files"
    old, new = _write_in(files, "old.txt"), _write_in(files, "new.txt")
    mine = _write(tmp_path / "mine.txt", b"the user's own file, sent long ago")
    with Store(tmp_path / "db") as store:
        for mid, when, path, ref in (("m-old", 1e9, old, "a" * 32), ("m-new", 4e9, new, "b" * 32),
                                     ("m-mine", 1e9, mine, "c" * 32)):
            store.add_message(Message(mid, "alice", "in", "sip:x@y", "[file]", FTHTTP_TYPE, when,
                                      Delivery.RECEIVED))
            store.add_attachment(Attachment(mid, path.name, 1, key_ref=ref, local_path=str(path)))
            await asyncio.to_thread(vault.put, ref, b"k" * 44)
    setup = EngineSetup(echo_line=False, db_path=tmp_path / "db", files_dir=files,
                        file_keys=vault, retention_days=30)
    phone = Phone(setup, FakeBackend())
    await phone.start()
    try:
        await asyncio.wait_for(phone.retention.purged.wait(), 10)
        assert _listing(files) == [new]
        assert _exists(mine)  # outside the files folder: the user's, never touched
        assert await asyncio.to_thread(vault.get, "a" * 32) is None
        assert await asyncio.to_thread(vault.get, "c" * 32) is None
        assert await asyncio.to_thread(vault.get, "b" * 32) == b"k" * 44
    finally:
        await phone.stop()


def _write_in(folder: Path, name: str) -> Path:
    folder.mkdir(exist_ok=True)
    return _write(folder / name, name.encode())


def _exists(path: Path) -> bool:
    return path.exists()


async def test_linphone_peers_get_aes192_gcm_and_it_round_trips(rig, tmp_path):
    phone = await rig(linphone_peers=("sip:bob@example.test",))
    try:
        src = _write(tmp_path / "l.bin", os.urandom(5000))
        saved = phone.bus.waiter(transfer(TransferState.SAVED))
        await phone.send_file("sip:bob@example.test", str(src), "alice")
        path = Path((await asyncio.wait_for(saved, 10)).transfer.path)
        assert _bytes(path) == _bytes(src)
        (_, _, body) = phone.backend.sent_messages[-1]
        key = base64.b64decode(body.split("<file-key>")[1].split("<")[0])
        assert len(key) == 32  # 24-byte AES-192 key + 8-byte IV, as liblinphone expects
    finally:
        await phone.stop()


def test_transfer_events_cross_the_control_socket_codec():
    from tuiphone.model.codec import event_from_jsonable, event_to_jsonable
    from tuiphone.model.files import FileTransfer

    event = FileTransferChanged(FileTransfer("m1", 3, "a.png", TransferState.DOWNLOADING,
                                             10, 20, "/x/a.png", "late"))
    assert event_from_jsonable(event_to_jsonable(event)) == event


async def test_without_the_passphrase_sending_is_refused_and_receiving_still_works(
        rig, tmp_path, ft, monkeypatch):
    from tuiphone.model.errors import TuiphoneError
    from tuiphone.model.events import Notice

    phone = await rig()
    monkeypatch.delenv(PASSPHRASE_ENV)
    try:
        src = _write(tmp_path / "x.txt", b"x")
        with pytest.raises(TuiphoneError, match="TUIPHONE_PASSPHRASE"):
            await phone.send_file("sip:bob@example.test", str(src), "alice")
        assert await phone.messages() == []  # nothing half-stored
        assert _listing(tmp_path / "files" / ".outgoing") == []
        cipher, key, tag = _gcm(b"still here")
        warned = phone.bus.waiter(lambda e: isinstance(e, Notice))
        saved = phone.bus.waiter(transfer(TransferState.SAVED))
        _offer(phone, _xml(_host(ft, cipher), 10, "y.txt", key, tag))
        assert "kept only until tuiphone stops" in (await asyncio.wait_for(warned, 10)).text
        assert _bytes((await asyncio.wait_for(saved, 10)).transfer.path) == b"still here"
    finally:
        await phone.stop()


async def test_a_queued_file_survives_a_restart(rig, tmp_path, ft):
    ft.stop()
    first = await rig()
    src = _write(tmp_path / "later.txt", b"sent after a restart")
    queued = first.bus.waiter(lambda e: isinstance(e, MessageStatus) and e.message.reason)
    msg = await first.send_file("sip:bob@example.test", str(src), "alice")
    await asyncio.wait_for(queued, 10)
    await first.stop()
    ft.start()
    second = await rig()  # the same database, files folder and vault
    try:
        sent = second.bus.waiter(_status(msg.id, Delivery.SENT))
        saved = second.bus.waiter(transfer(TransferState.SAVED))
        await asyncio.wait_for(sent, 10)
        assert _bytes((await asyncio.wait_for(saved, 10)).transfer.path) == _bytes(src)
        assert _listing(tmp_path / "files" / ".outgoing") == []  # uploaded: gone
    finally:
        await second.stop()
