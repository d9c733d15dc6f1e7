"""File sharing: per-account settings, the key vault's contract, transfer progress."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Protocol

FTHTTP_TYPE = "application/vnd.gsma.rcs-ft-http+xml"  # RCS FT-over-HTTP (Linphone)
ACROBITS_TYPE = "application/x-acro-filetransfer+json"  # Acrobits clients (receive only)
FILE_TYPES = frozenset({FTHTTP_TYPE, ACROBITS_TYPE})  # the bodies that offer files
MAX_SIZE_DEFAULT = 25 * 1024 * 1024


class UploadKind(enum.Enum):
    FTHTTP = "fthttp"  # empty POST -> 204, multipart "File" POST -> fthttp XML (Flexisip)
    PUT = "put"  # HTTP PUT to the base URL plus a random name, then GET (WebDAV, nginx)


class Cipher(enum.Enum):
    AES256GCM = "aes-256-gcm"  # ours: file-key = 32-byte key + 12-byte nonce
    LINPHONE = "linphone"  # AES-192-GCM: file-key = 24-byte key + 8-byte IV


@dataclass(frozen=True, slots=True)
class FileConfig:
    """An account's ``[accounts.files]`` table; used only with ``features.file_sharing``."""

    server: str = ""  # upload URL; empty: this account cannot send files
    kind: UploadKind = UploadKind.PUT
    max_size: int = MAX_SIZE_DEFAULT  # bytes, both ways
    allowed_types: tuple[str, ...] = ("*/*",)  # "type/subtype" or "type/*"
    auto_download: bool = True  # incoming files within the limits are fetched at once
    cipher: Cipher = Cipher.AES256GCM
    linphone_peers: tuple[str, ...] = ()  # peers sent the Linphone format instead

    def allows(self, content_type: str) -> bool:
        kind = content_type.split(";", 1)[0].strip().lower()
        major = kind.split("/", 1)[0]
        return any(p in ("*/*", kind, f"{major}/*") for p in
                   (t.lower() for t in self.allowed_types))


class TransferState(enum.Enum):
    QUEUED = "queued"  # waits for the upload server (retried with the message)
    UPLOADING = "uploading"
    UPLOADED = "uploaded"
    OFFERED = "offered"  # received, not downloaded (off, too big or a type not allowed)
    DOWNLOADING = "downloading"
    SAVED = "saved"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class FileTransfer:
    """One attachment's progress; ``done``/``total`` in bytes."""

    message_id: str
    attachment_id: int
    filename: str
    state: TransferState
    done: int = 0
    total: int = 0
    path: str = ""  # where it is saved (received) or read from (sent)
    error: str = ""
    thumbnail: str = ""  # received: where the sender's thumbnail of it is saved


class KeyVault(Protocol):
    """Where file keys live; never in plain text on disk. Every method may block
    (a key derivation, a file write): call it from a worker thread. Raises
    TuiphoneError when the vault cannot be opened (no passphrase)."""

    def put(self, ref: str, key: bytes) -> None: ...

    def get(self, ref: str) -> bytes | None: ...

    def delete(self, ref: str) -> None: ...
