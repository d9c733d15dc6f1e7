"""File transfer interop with liblinphone 5.1 (Debian), driven through ctypes in its own
process (tests/lab/linphone_files.py), registering at Kamailio, uploading to the FT-HTTP
test server."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pjsua2  # noqa: F401 - a hard dependency: missing, the lab must fail, not skip
import pytest

from tests.cli.conftest import ROOT
from tests.lab import procs
from tests.lab.engine_harness import Watch, lab_account
from tests.lab.kamailio import USERS, Kamailio
from tests.lab.linphonec import linphonerc
from tests.support.ftserver import FtHttpServer
from tuiphone.config.file_keys import FileKeyVault
from tuiphone.config.secret_store import PASSPHRASE_ENV, SecretStore
from tuiphone.model.account import Features, RegState
from tuiphone.model.events import FileTransferChanged, MessageReceived, MessageStatus
from tuiphone.model.files import FileConfig, TransferState, UploadKind

pytestmark = [pytest.mark.lab, pytest.mark.pjsua]
LIBLINPHONE = Path("/usr/lib/x86_64-linux-gnu/liblinphone.so.10")



@dataclass
class Linphone:
    proc: subprocess.Popen[bytes]
    log: Path

    def lines(self) -> list[dict[str, object]]:
        return [json.loads(x) for x in self.log.read_text(errors="replace").splitlines()
                if x.startswith("{")]

    def wait(self, check: Callable[[list[dict[str, object]]], bool], what: str,
             timeout_s: float = 30) -> None:
        try:
            procs.wait_for(lambda: check(self.lines()), self.proc, timeout_s, what)
        except (RuntimeError, TimeoutError) as err:
            raise AssertionError(f"{err}\n{procs.tail(self.log)}") from err


@pytest.fixture
def linphone(tmp_path: Path) -> Iterator[Callable[..., Linphone]]:
    if not LIBLINPHONE.exists():
        from tests.conftest import lab_missing

        lab_missing("liblinphone10 is not installed (apt-get install linphone-cli)")
    started: list[Linphone] = []

    def start(kam: Kamailio, user: str, ft: FtHttpServer, *extra: str) -> Linphone:
        work = tmp_path / f"linphone-{user}"
        work.mkdir()
        rc = work / "linphonerc"
        rc.write_text(linphonerc(port=procs.free_port(), rtp=procs.free_port(),
                                 db=work / "chat.db", user=user, password=USERS[user],
                                 domain=kam.domain, host=kam.host, reg_port=kam.port,
                                 misc=f"file_transfer_server_url={ft.url}\n"))
        log = work / "out.log"
        proc = procs.spawn([sys.executable, "-m", "tests.lab.linphone_files", str(work),
                            str(rc), *extra], log, cwd=ROOT,
                           env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin",
                                "HOME": str(work)})
        peer = Linphone(proc, log)
        started.append(peer)
        peer.wait(lambda lines: {"registered": True} in lines, f"liblinphone {user} registered")
        return peer

    yield start
    for peer in started:
        procs.stop(peer.proc)


@pytest.fixture
def ft(tmp_path):
    server = FtHttpServer(tmp_path / "ft").start()
    yield server
    server.stop()


async def _tuiphone(kamailio, phone_factory, ft, tmp_path, monkeypatch, user: str):
    monkeypatch.setenv(PASSPHRASE_ENV, "lab")
    files = FileConfig(server=ft.url, kind=UploadKind.FTHTTP)
    vault = FileKeyVault(tmp_path / "keys", SecretStore(tmp_path / "secrets.json.enc"))
    phone = await phone_factory(
        lab_account(kamailio, user, features=Features(file_sharing=True), files=files),
        files_dir=tmp_path / "files", file_keys=vault)
    watch = Watch(phone)
    acc = await watch.settled(phone, user)
    assert acc.reg_state is RegState.REGISTERED, f"{acc.code} {acc.reason}"
    return phone, watch


async def test_a_file_from_liblinphone_is_saved_by_tuiphone(
        kamailio, phone_factory, linphone, ft, tmp_path, monkeypatch):
    phone, watch = await _tuiphone(kamailio, phone_factory, ft, tmp_path, monkeypatch, "bob")
    data = os.urandom(13_000)
    src = tmp_path / "from-linphone.bin"
    await asyncio.to_thread(src.write_bytes, data)
    peer = await asyncio.to_thread(linphone, kamailio, "carol", ft, "--send",
                                   kamailio.aor("bob"), str(src))
    got = await watch.wait(lambda e: isinstance(e, MessageReceived), 30)
    saved = (await watch.wait(lambda e: isinstance(e, FileTransferChanged)
                              and e.transfer.state in (TransferState.SAVED,
                                                       TransferState.FAILED), 30)).transfer
    assert saved.state is TransferState.SAVED, (saved.error, got.message.body)
    assert Path(saved.path).name == "from-linphone.bin"
    assert await asyncio.to_thread(Path(saved.path).read_bytes) == data
    # outside LIME chat rooms liblinphone uploads the file unencrypted: no key came
    (att,) = phone.store.attachments(got.message.id)
    assert att.key_ref == ""
    assert ft.requests[0] == ("POST", 0)  # its empty POST first, answered 204
    peer.wait(lambda lines: any(x.get("sent_state") == 2 for x in lines), "delivered")


async def test_a_file_from_tuiphone_reaches_liblinphone_still_encrypted(
        kamailio, phone_factory, linphone, ft, tmp_path, monkeypatch):
    phone, watch = await _tuiphone(kamailio, phone_factory, ft, tmp_path, monkeypatch, "bob")
    peer = await asyncio.to_thread(linphone, kamailio, "carol", ft)
    data = b"for linphone " * 1000
    src = tmp_path / "to-linphone.txt"
    await asyncio.to_thread(src.write_bytes, data)
    msg = await phone.send_file(kamailio.aor("carol"), str(src), "bob")
    done = await watch.wait(lambda e: isinstance(e, MessageStatus) and e.message.id == msg.id
                            and not e.message.delivery.pending, 30)
    assert done.message.delivery.value == "sent", done.message.reason
    await asyncio.to_thread(peer.wait, lambda lines: any("saved" in x for x in lines),
                            "liblinphone saving the file")
    path = Path(next(x["saved"] for x in peer.lines() if "saved" in x))
    kept = await asyncio.to_thread(path.read_bytes)
    assert path.name == "to-linphone.txt"
    assert len(kept) == len(data)
    # A basic (non-LIME) chat room has no encryption engine: liblinphone downloads and
    # keeps the ciphertext as it is, ignoring file-key and file-authTag. So Linphone
    # peers get a readable file only in its LIME chat rooms, which tuiphone does not join.
    (uploaded,) = ft.stored()
    assert kept != data
    assert kept == await asyncio.to_thread(uploaded.read_bytes)


async def test_liblinphone_takes_the_file_not_the_thumbnail_we_send_with_an_image(
        kamailio, phone_factory, linphone, ft, tmp_path, monkeypatch):
    """Our XML puts the RCC.07 thumbnail before the file; liblinphone reads only the
    first file-info of type "file", so it fetches the picture itself."""
    from PIL import Image

    phone, watch = await _tuiphone(kamailio, phone_factory, ft, tmp_path, monkeypatch, "bob")
    peer = await asyncio.to_thread(linphone, kamailio, "carol", ft)
    src = tmp_path / "picture.png"
    await asyncio.to_thread(lambda: Image.new("RGB", (800, 600), (9, 99, 199)).save(src))
    msg = await phone.send_file(kamailio.aor("carol"), str(src), "bob")
    done = await watch.wait(lambda e: isinstance(e, MessageStatus) and e.message.id == msg.id
                            and not e.message.delivery.pending, 30)
    assert done.message.delivery.value == "sent", done.message.reason
    sent = [t.text for t in await phone.trace() if "rcs-ft-http+xml" in t.text]
    assert any('type="thumbnail"' in t for t in sent)
    await asyncio.to_thread(peer.wait, lambda lines: any("saved" in x for x in lines),
                            "liblinphone saving the file")
    path = Path(next(x["saved"] for x in peer.lines() if "saved" in x))
    assert path.name == "picture.png"
    sizes = await asyncio.to_thread(lambda: (
        sorted(p.stat().st_size for p in ft.stored()), path.stat().st_size,
        src.stat().st_size))
    stored, kept, sent_size = sizes
    assert len(stored) == 2  # the file and its thumbnail, uploaded apart
    assert kept == sent_size == stored[-1]  # the file, not the small thumbnail
