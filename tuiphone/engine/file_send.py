"""Sending a file: ``send`` encrypts it with a fresh key into ``.outgoing`` (the key
goes to the vault, wrapped) and commits the message and its attachment row, QUEUED; the
Outbox then calls ``prepare``, which uploads the ciphertext once and returns the
fthttp XML (URL, size, type, name, key, tag) to send; for an image, with a thumbnail
(files/thumbnail.py) uploaded beside it. While the upload server is down
``prepare`` raises a transient TransferError: the message stays queued and is retried
with the outbox's backoff. Loop-thread only; the blocking work runs in threads."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import mimetypes
import os
import secrets
import time
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path

from tuiphone.engine.accounts import AccountBook
from tuiphone.engine.file_cleanup import OUTGOING
from tuiphone.engine.file_progress import Progress
from tuiphone.files import fthttp, http, thumbnail
from tuiphone.files.crypto import FileKey, encrypt_file, new_material, pack, unpack
from tuiphone.files.errors import TooLarge, TypeRefused
from tuiphone.files.offer import FileOffer
from tuiphone.model.account import AccountConfig
from tuiphone.model.errors import NotFound, TuiphoneError, UsageError
from tuiphone.model.events import Event, FileTransferChanged
from tuiphone.model.files import (
    FTHTTP_TYPE,
    Cipher,
    FileConfig,
    FileTransfer,
    KeyVault,
    TransferState,
    UploadKind,
)
from tuiphone.model.ids import random_id
from tuiphone.model.message import Delivery, Message
from tuiphone.store import Store
from tuiphone.store.attachments import Attachment

log = logging.getLogger("tuiphone.files")
THUMBS_KEPT = 64  # uploaded thumbnails remembered for resends, the newest


def summary(name: str, size: int, text: str = "") -> str:
    """The body a file message is stored and shown with (never the key)."""
    line = f"[file] {name} ({_size(size)})"
    return f"{text}\n{line}" if text else line


def _size(size: int) -> str:
    if size < 1000:
        return f"{size} B"
    return f"{size / 1000:.1f} kB" if size < 1_000_000 else f"{size / 1_000_000:.1f} MB"


def file_config(acc: AccountConfig) -> FileConfig:
    """The account's file settings; UsageError when it does not share files."""
    if not acc.features.file_sharing:
        raise UsageError(f"file sharing is off for account {acc.id!r} "
                         "(features.file_sharing)")
    return acc.files


class FileSender:
    def __init__(self, store: Store, accounts: AccountBook, vault: KeyVault | None,
                 folder: Path | None, publish: Callable[[Event], None],
                 kick: Callable[[], None]) -> None:
        self._store = store
        self._accounts = accounts
        self._vault = vault
        self._folder = folder
        self._publish = publish
        self._kick = kick
        self._until: dict[str, str] = {}  # message id -> the FT-HTTP server's expiry
        self._thumbs: dict[str, FileOffer | None] = {}  # message id -> its thumbnail

    async def send(self, uri: str, path: str, account_id: str | None) -> Message:
        """Encrypt and queue ``path``; returns the stored message, QUEUED. Raises
        UsageError (sharing off, no server, not a file), TooLarge, TypeRefused."""
        acc = self._accounts.account(account_id)
        cfg = file_config(acc)
        if not cfg.server:
            raise UsageError(f"account {acc.id!r} has no upload server ([accounts.files] "
                             "server)")
        if self._vault is None or self._folder is None:
            raise UsageError("file sharing needs a data folder and the secret store")
        source, size, ctype = await asyncio.to_thread(_check_file, path, cfg)
        target = self._accounts.resolve_target(uri, acc).uri
        cipher = Cipher.LINPHONE if target in cfg.linphone_peers else cfg.cipher
        ref = secrets.token_hex(16)
        await asyncio.to_thread(self._seal, source, ref, cipher)
        msg = Message(id=random_id(), account_id=acc.id, direction="out",
                      peer=target, body=summary(source.name, size), content_type=FTHTTP_TYPE,
                      timestamp=time.time(), delivery=Delivery.QUEUED)
        self._store.add_message(msg)
        att = Attachment(msg.id, source.name, size, ctype, key_ref=ref,
                         local_path=str(source))
        att_id = self._store.add_attachment(att)
        self._publish_state(msg.id, att_id, source.name, TransferState.QUEUED, size)
        self._kick()
        return msg

    def _seal(self, source: Path, ref: str, cipher: Cipher) -> None:
        """Encrypt ``source`` into ``.outgoing/<ref>`` and put its key in the vault; on
        any failure neither is left behind."""
        assert self._folder is not None
        assert self._vault is not None
        material = new_material(cipher)
        staged = self._folder / OUTGOING
        staged.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(staged / ref, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW,
                     0o600)
        try:
            with source.open("rb") as src, os.fdopen(fd, "wb") as dst:
                tag = encrypt_file(src, dst, material)
            self._vault.put(ref, pack(FileKey("gcm", material, tag)))
        except BaseException as err:
            (staged / ref).unlink(missing_ok=True)  # half written, or no key: no use
            if isinstance(err, OSError):
                raise UsageError(f"{source}: cannot read: {err.strerror}") from None
            raise

    async def prepare(self, msg: Message) -> str:
        """The body to send for a queued file message, uploading first if needed.
        Raises TransferError (transient: try again later) or another TuiphoneError."""
        atts = self._store.attachments(msg.id)
        if not atts:  # an fthttp body written by the caller (send_message): as it is
            return msg.body
        att = atts[0]
        if not att.url:
            att = await self._upload(msg, att)
        assert self._vault is not None
        blob = await asyncio.to_thread(self._vault.get, att.key_ref)
        if blob is None:
            raise NotFound(f"message {msg.id}: the file's key is gone from the vault")
        key = unpack(blob)
        offer = FileOffer(att.url, att.size, att.content_type, att.filename, key,
                          self._until.get(msg.id, ""))
        if att.content_type.startswith("image/") and att.local_path:
            offer = dataclasses.replace(offer, thumbnail=await self._thumbnail(msg, att, key))
        return fthttp.build(offer)

    async def _thumbnail(self, msg: Message, att: Attachment, key: FileKey
                         ) -> FileOffer | None:
        """The image's thumbnail, made, encrypted (its own fresh key, the file's cipher)
        and uploaded once per message; None when there is none (not an image Pillow
        reads, the source file gone, or its upload failed: the file goes without)."""
        if msg.id in self._thumbs:
            return self._thumbs[msg.id]
        cfg = file_config(self._accounts.account(msg.account_id))
        assert self._folder is not None
        staged = self._folder / OUTGOING / f"{att.key_ref}.thumb"
        sealed = await asyncio.to_thread(_sealed_thumbnail, Path(att.local_path),
                                         thumbnail.cipher_of(key))
        if sealed is None:
            return None
        data, thumb_key = sealed
        until = ""
        try:
            await asyncio.to_thread(_write_private, staged, data)
            if cfg.kind is UploadKind.FTHTTP:
                url, until = await asyncio.to_thread(
                    http.fthttp_upload, cfg.server, staged, thumbnail.CONTENT_TYPE)
            else:
                url = await asyncio.to_thread(http.put_upload, cfg.server, staged)
        except (TuiphoneError, OSError) as err:
            log.warning("message %s: thumbnail not sent: %s", msg.id, err)
            return None
        finally:
            with suppress(OSError):
                staged.unlink()
        offer = FileOffer(url, len(data), thumbnail.CONTENT_TYPE, "", thumb_key, until)
        self._thumbs[msg.id] = offer  # a resend of the message reuses it
        while len(self._thumbs) > THUMBS_KEPT:
            del self._thumbs[next(iter(self._thumbs))]
        return offer

    async def _upload(self, msg: Message, att: Attachment) -> Attachment:
        acc = self._accounts.account(msg.account_id)
        cfg = file_config(acc)
        assert self._folder is not None
        staged = self._folder / OUTGOING / att.key_ref
        if not staged.exists():
            raise NotFound(f"message {msg.id}: the encrypted file waiting for upload is gone")
        start = FileTransfer(msg.id, att.id, att.filename, TransferState.UPLOADING, 0,
                             att.size, att.local_path)
        progress = Progress(self._publish, start)
        try:
            if cfg.kind is UploadKind.FTHTTP:
                url, until = await asyncio.to_thread(
                    http.fthttp_upload, cfg.server, staged, att.content_type, progress.tick)
                self._until[msg.id] = until
            else:
                url = await asyncio.to_thread(http.put_upload, cfg.server, staged,
                                              progress.tick)
        except Exception as err:
            progress.move(TransferState.QUEUED, 0, error=str(err))
            raise
        att = Attachment(att.message_id, att.filename, att.size, att.content_type, url,
                         att.key_ref, att.local_path, att.id)
        self._store.update_attachment(att)
        with suppress(OSError):
            staged.unlink()
        progress.move(TransferState.UPLOADED, att.size)
        return att

    def _publish_state(self, message_id: str, att_id: int, name: str,
                       state: TransferState, size: int) -> None:
        self._publish(FileTransferChanged(FileTransfer(message_id, att_id, name, state, 0,
                                                       size)))


def _sealed_thumbnail(source: Path, cipher: Cipher) -> tuple[bytes, FileKey] | None:
    small = thumbnail.make(source)
    return None if small is None else thumbnail.seal(small, cipher)


def _write_private(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(data)


def _check_file(path: str, cfg: FileConfig) -> tuple[Path, int, str]:
    """Its full path, size and content type. Raises UsageError, TooLarge, TypeRefused."""
    source = Path(path).expanduser()
    try:
        info = source.stat()
    except OSError as err:
        raise UsageError(f"{source}: {err.strerror}") from None
    source = source.resolve()
    if not source.is_file():
        raise UsageError(f"{source}: not a regular file")
    if info.st_size > cfg.max_size:
        raise TooLarge(f"{source.name} is {info.st_size} bytes, over this account's limit of "
                       f"{cfg.max_size} ([accounts.files] max_size_mb)")
    ctype = mimetypes.guess_type(source.name)[0] or "application/octet-stream"
    if not cfg.allows(ctype):
        raise TypeRefused(f"{source.name}: type {ctype} is not in this account's "
                          "allowed_types")
    return source, info.st_size, ctype
