"""The file-key vault: each file's key wrapped (AES-256-GCM, its reference as associated
data) with one wrapping key that lives in the secret store as ``files:wrap``.

So no file key is ever on disk in plain text, and unlocking costs one key derivation per
process, not one per file. The secret store's passphrase comes from
``$TUIPHONE_PASSPHRASE`` (an engine cannot ask); the wrapping key is made on first use.
Blocking: call it from a worker thread.
"""

from __future__ import annotations

import base64
import os
import re
import threading
from contextlib import suppress
from pathlib import Path

from tuiphone.config.paths import ensure_dir, file_keys_dir
from tuiphone.config.secret_store import SecretStore, store_passphrase
from tuiphone.config.secrets import SecretError

WRAP_NAME = "files:wrap"
_REF = re.compile(r"[0-9a-f]{16,64}")


class FileKeyVault:
    """``KeyVault`` over the secret store. Raises SecretError when it cannot be opened."""

    def __init__(self, folder: Path | None = None, store: SecretStore | None = None) -> None:
        self.folder = folder if folder is not None else file_keys_dir()
        self._store = store or SecretStore()
        self._wrap: bytes | None = None
        self._lock = threading.Lock()

    def put(self, ref: str, key: bytes) -> None:
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        nonce = os.urandom(12)
        sealed = nonce + AESGCM(self._wrapping_key()).encrypt(nonce, key, _aad(ref))
        ensure_dir(self.folder, 0o700)
        path = self._path(ref)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o600)
            with os.fdopen(fd, "wb") as out:
                out.write(sealed)
        except OSError as err:
            raise SecretError(f"{path}: cannot keep the file key: {err.strerror}") from None

    def get(self, ref: str) -> bytes | None:
        try:
            sealed = self._path(ref).read_bytes()
        except FileNotFoundError:
            return None
        from cryptography.exceptions import InvalidTag
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        try:
            return AESGCM(self._wrapping_key()).decrypt(sealed[:12], sealed[12:], _aad(ref))
        except (InvalidTag, ValueError):
            raise SecretError(f"file key {ref}: damaged, or wrapped with another "
                              f"{WRAP_NAME} key") from None

    def delete(self, ref: str) -> None:
        with suppress(FileNotFoundError):
            self._path(ref).unlink()

    def _path(self, ref: str) -> Path:
        if not _REF.fullmatch(ref):
            raise SecretError(f"{ref!r} is not a file-key reference")
        return self.folder / ref

    def _wrapping_key(self) -> bytes:
        with self._lock:
            if self._wrap is None:
                self._wrap = self._load_or_make()
            return self._wrap

    def _load_or_make(self) -> bytes:
        try:
            passphrase = store_passphrase(None)
        except SecretError as err:
            raise SecretError(f"file sharing keeps each file's key in the secret store: "
                              f"{err}") from None
        text = self._store.get(WRAP_NAME, passphrase)
        if text is None:
            key = os.urandom(32)
            self._store.set(WRAP_NAME, base64.b64encode(key).decode("ascii"), passphrase)
            return key
        return base64.b64decode(text)


def _aad(ref: str) -> bytes:
    return b"tuiphone-file-key:" + ref.encode("ascii")
