"""Receiving files. ``unpack`` turns an incoming fthttp XML or Acrobits JSON MESSAGE
into a message whose body is a summary (the key never reaches the database) plus the
offered files; ``offered`` stores their attachment rows, puts each key in the vault
(wrapped) and, with ``auto_download`` and within ``max_size`` and ``allowed_types``,
downloads them at once; an image's thumbnail (the sender's, in the fthttp XML) is
fetched first, saved under ``.thumbnails`` and published, so the chat shows it before
the file (also when the file itself is not downloaded). ``download`` fetches one again
(the ``download`` command): it checks the size cap and the tag, saves under the files
folder with a safe, new name (mode 0600), and a failure (404: the link expired) is
written to the message's reason, so the thread shows it. Loop-thread only; the blocking
work runs in threads."""

from __future__ import annotations

import asyncio
import dataclasses
import io
import os
import secrets
from collections.abc import Callable, Coroutine
from contextlib import suppress
from pathlib import Path
from typing import Any

from tuiphone.engine.accounts import AccountBook
from tuiphone.engine.file_cleanup import THUMBNAILS
from tuiphone.engine.file_progress import Progress
from tuiphone.engine.file_send import file_config, summary
from tuiphone.files import acrobits, fthttp, http, thumbnail
from tuiphone.files.crypto import FileKey, decrypt_stream, pack, unpack
from tuiphone.files.errors import BadFile, TooLarge, TransferError
from tuiphone.files.names import safe_name, save_new
from tuiphone.files.offer import FileOffer
from tuiphone.model.errors import NotFound, TuiphoneError, UsageError
from tuiphone.model.events import Event, FileTransferChanged, Notice
from tuiphone.model.files import (
    ACROBITS_TYPE,
    FileTransfer,
    KeyVault,
    TransferState,
)
from tuiphone.model.message import Message
from tuiphone.store import Store
from tuiphone.store.attachments import Attachment


class FileReceiver:
    def __init__(self, store: Store, accounts: AccountBook, vault: KeyVault | None,
                 folder: Path | None, publish: Callable[[Event], None],
                 spawn: Callable[[Coroutine[Any, Any, None]], None]) -> None:
        self._store = store
        self._accounts = accounts
        self._vault = vault
        self._folder = folder
        self._publish = publish
        self._spawn = spawn
        self._keys: dict[str, FileKey] = {}  # until the vault has them

    def unpack(self, msg: Message) -> tuple[Message, tuple[FileOffer, ...]]:
        """The message to store (its body a summary) and the files it offers."""
        try:
            acc = self._accounts.configs.get(msg.account_id)
            if acc is None or not acc.features.file_sharing:
                return _plain(msg, "[file offered; file sharing is off "
                                   "(features.file_sharing)]"), ()
            if msg.truncated:
                raise BadFile("the description arrived cut short")
            text, offers = self._parse(msg)
        except BadFile as err:
            return _plain(msg, f"[file refused: {err}]"), ()
        lines = [summary(safe_name(o.filename), o.size) for o in offers]
        return _plain(msg, "\n".join([text, *lines] if text else lines)), offers

    def _parse(self, msg: Message) -> tuple[str, tuple[FileOffer, ...]]:
        if msg.content_type == ACROBITS_TYPE:
            parsed = acrobits.parse(msg.body)
            return parsed.body, parsed.offers
        return "", (fthttp.parse(msg.body),)

    def offered(self, msg: Message, offers: tuple[FileOffer, ...]) -> None:
        """Store the offers of a newly stored message; download what the account allows."""
        cfg = self._accounts.account(msg.account_id).files
        for offer in offers:
            ref = secrets.token_hex(16) if offer.key is not None else ""
            att = Attachment(msg.id, safe_name(offer.filename), offer.size,
                             offer.content_type, offer.url, ref)
            att = dataclasses.replace(att, id=self._store.add_attachment(att))
            if offer.key is not None:
                self._keys[ref] = offer.key
            auto = cfg.auto_download and offer.size <= cfg.max_size and cfg.allows(
                offer.content_type)
            self._spawn(self._keep(att, offer.key, auto, offer.thumbnail))

    async def _keep(self, att: Attachment, key: FileKey | None, auto: bool,
                    thumb: FileOffer | None = None) -> None:
        if key is not None and self._vault is not None:
            try:
                await asyncio.to_thread(self._vault.put, att.key_ref, pack(key))
                self._keys.pop(att.key_ref, None)
            except TuiphoneError as err:  # kept in memory: downloadable until a restart
                self._publish(Notice("warning", f"{att.filename}: its key is kept only "
                                                f"until tuiphone stops: {err}"))
        shown = await self._thumbnail(att, thumb) if thumb is not None else ""
        if not auto:
            self._publish_state(att, TransferState.OFFERED, thumbnail=shown)
            return
        if shown:
            self._publish_state(att, TransferState.DOWNLOADING, thumbnail=shown)
        with suppress(TuiphoneError):  # published as FAILED, written to the message's reason
            await self.download(att.id)

    async def download_message(self, message_id: str, out: str | None) -> list[FileTransfer]:
        """Download every file of a message (again). Raises NotFound, TransferError."""
        atts = self._store.attachments(message_id)
        if not atts:
            self._store.message_by_id(message_id)  # NotFound for an unknown id
            raise NotFound(f"message {message_id} carries no file")
        return [await self.download(att.id, out) for att in atts]

    async def download(self, att_id: int, out: str | None = None) -> FileTransfer:
        att = self._store.attachment(att_id)
        msg = self._store.message_by_id(att.message_id)
        cfg = file_config(self._accounts.account(msg.account_id))
        folder, name = self._target(att, out)
        key = await self._key(att)
        start = FileTransfer(msg.id, att.id, att.filename, TransferState.DOWNLOADING, 0,
                             att.size)
        progress = Progress(self._publish, start)

        def write(out_file: Any) -> None:
            http.download(att.url, cfg.max_size, att.content_type, progress.tick,
                          lambda chunks: decrypt_stream(chunks, out_file, key))

        try:
            path = await asyncio.to_thread(save_new, folder, name, write)
        except (TransferError, BadFile, TooLarge) as err:
            self._failed(msg, progress, str(err))
            raise
        except OSError as err:
            self._failed(msg, progress, f"cannot save in {folder}: {err.strerror}")
            raise UsageError(f"cannot save in {folder}: {err.strerror}") from None
        self._store.update_attachment(dataclasses.replace(att, local_path=str(path)))
        return progress.move(TransferState.SAVED, path.stat().st_size, path=str(path))

    def _target(self, att: Attachment, out: str | None) -> tuple[Path, str]:
        if out:
            path = Path(out).expanduser().resolve()
            return (path, att.filename) if path.is_dir() else (path.parent, path.name)
        if self._folder is None:
            raise UsageError("no folder to save files in")
        return self._folder, att.filename

    async def _key(self, att: Attachment) -> FileKey | None:
        if not att.key_ref:
            return None
        if att.key_ref in self._keys:
            return self._keys[att.key_ref]
        blob = await asyncio.to_thread(self._vault.get, att.key_ref) if self._vault else None
        if blob is None:
            raise NotFound(f"the key of file {att.filename!r} is gone (erased?)")
        return unpack(blob)

    def _failed(self, msg: Message, progress: Progress, error: str) -> None:
        progress.move(TransferState.FAILED, error=error)
        self._store.update_delivery(msg.id, msg.delivery, msg.code, f"file: {error}")

    async def _thumbnail(self, att: Attachment, thumb: FileOffer) -> str:
        """Fetch, open and save the sender's thumbnail of ``att`` (before the file
        itself, so the chat shows it first); its path, or "" when it is unusable."""
        if self._folder is None:
            return ""
        folder = self._folder / THUMBNAILS
        try:
            return await asyncio.to_thread(_fetch_thumbnail, thumb, folder / f"{att.id}.jpg")
        except (TuiphoneError, OSError) as err:
            self._publish(Notice("warning", f"{att.filename}: thumbnail not shown: {err}"))
            return ""

    def _publish_state(self, att: Attachment, state: TransferState, error: str = "",
                       thumbnail: str = "") -> None:
        self._publish(FileTransferChanged(FileTransfer(att.message_id, att.id, att.filename,
                                                       state, 0, att.size, error=error,
                                                       thumbnail=thumbnail)))


def _fetch_thumbnail(thumb: FileOffer, path: Path) -> str:
    """Download at most thumbnail.MAX_BYTES, decrypt, check it is an image, and save
    it at ``path`` (mode 0600). Raises TransferError, TooLarge, BadFile, OSError."""
    got = io.BytesIO()
    http.download(thumb.url, thumbnail.MAX_BYTES, thumb.content_type, None,
                  lambda chunks: [got.write(c) for c in chunks])
    plain = thumbnail.opened(got.getvalue(), thumb.key)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(plain)
    return str(path)


def _plain(msg: Message, body: str) -> Message:
    return dataclasses.replace(msg, body=body, raw=b"")
