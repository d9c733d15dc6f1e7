"""An encrypted file of named secrets (``password_store = true``).

Format (JSON): scrypt parameters and salt, a check value that proves the
passphrase, and one AES-GCM ciphertext per name with the name as associated
data, so ``names()`` needs no passphrase but no value can be moved to another
name. ``cryptography`` is imported only when a key is derived.
"""

from __future__ import annotations

import base64
import json
import os
from pathlib import Path
from typing import Any

from tuiphone.config.atomic import atomic_write
from tuiphone.config.paths import ensure_dir, secret_store_file
from tuiphone.config.secrets import Prompt, SecretError

PASSPHRASE_ENV = "TUIPHONE_PASSPHRASE"
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
_CHECK = b"tuiphone-secret-store-v1"


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


def _derive(passphrase: str, salt: bytes, kdf: dict[str, Any]) -> bytes:
    from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

    scrypt = Scrypt(salt=salt, length=32, n=kdf["n"], r=kdf["r"], p=kdf["p"])
    return scrypt.derive(passphrase.encode("utf-8"))


def _seal(key: bytes, plain: bytes, aad: bytes) -> dict[str, str]:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    nonce = os.urandom(12)
    return {"nonce": _b64(nonce), "ct": _b64(AESGCM(key).encrypt(nonce, plain, aad))}


def _open(key: bytes, box: dict[str, str], aad: bytes) -> bytes | None:
    """Decrypt ``box``; None if the key is wrong or the data was altered."""
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    try:
        return AESGCM(key).decrypt(_unb64(box["nonce"]), _unb64(box["ct"]), aad)
    except InvalidTag:
        return None


def _aad(name: str) -> bytes:
    return b"tuiphone-secret:" + name.encode("utf-8")


def _is_box(box: object) -> bool:
    return isinstance(box, dict) and all(isinstance(box.get(k), str) for k in ("nonce", "ct"))


def _check_shape(doc: object) -> None:
    """Raise ValueError unless ``doc`` looks like a store this code wrote."""
    if not isinstance(doc, dict) or doc.get("version") != 1:
        raise ValueError("unknown format")
    kdf = doc.get("kdf")
    if not isinstance(kdf, dict) or not isinstance(kdf.get("salt"), str) or not all(
        type(kdf.get(k)) is int for k in ("n", "r", "p")
    ):
        raise ValueError("bad kdf parameters")
    entries = doc.get("entries")
    if not _is_box(doc.get("check")) or not isinstance(entries, dict):
        raise ValueError("missing check or entries")
    if not all(_is_box(box) for box in entries.values()):
        raise ValueError("bad entry")


class SecretStore:
    """The store at ``path`` (default: ``$XDG_DATA_HOME/tuiphone/secrets.json.enc``).

    Every method raises SecretError for a wrong passphrase or a damaged file.
    Writes are atomic and leave the file at mode 0600.
    """

    def __init__(self, path: Path | None = None) -> None:
        self.path = path if path is not None else secret_store_file()

    def names(self) -> tuple[str, ...]:
        doc = self._read()
        return tuple(sorted(doc["entries"])) if doc else ()

    def get(self, name: str, passphrase: str) -> str | None:
        """The secret stored under ``name``, or None if there is none."""
        doc = self._read()
        if doc is None or name not in doc["entries"]:
            return None
        key = self._unlock(doc, passphrase)
        plain = _open(key, doc["entries"][name], _aad(name))
        if plain is None:
            raise SecretError(f"{self.path}: entry {name!r} is damaged")
        return plain.decode("utf-8")

    def set(self, name: str, value: str, passphrase: str) -> None:
        """Store ``value`` under ``name``; the first call fixes the passphrase."""
        doc = self._read() or self._new(passphrase)
        key = self._unlock(doc, passphrase)
        doc["entries"][name] = _seal(key, value.encode("utf-8"), _aad(name))
        self._write(doc)

    def delete(self, name: str, passphrase: str) -> bool:
        """Remove ``name``; returns False if it was not there."""
        doc = self._read()
        if doc is None or name not in doc["entries"]:
            return False
        self._unlock(doc, passphrase)
        del doc["entries"][name]
        self._write(doc)
        return True

    def _new(self, passphrase: str) -> dict[str, Any]:
        kdf: dict[str, Any] = {"name": "scrypt", "n": SCRYPT_N, "r": SCRYPT_R, "p": SCRYPT_P,
               "salt": _b64(os.urandom(16))}
        key = _derive(passphrase, _unb64(kdf["salt"]), kdf)
        return {"version": 1, "kdf": kdf, "check": _seal(key, _CHECK, b"check"), "entries": {}}

    def _unlock(self, doc: dict[str, Any], passphrase: str) -> bytes:
        key = _derive(passphrase, _unb64(doc["kdf"]["salt"]), doc["kdf"])
        if _open(key, doc["check"], b"check") != _CHECK:
            raise SecretError(f"{self.path}: wrong passphrase for the secret store")
        return key

    def _read(self) -> dict[str, Any] | None:
        try:
            doc = json.loads(self.path.read_bytes())
            _check_shape(doc)
        except FileNotFoundError:
            return None
        except OSError as err:
            raise SecretError(f"{self.path}: cannot read: {err.strerror}") from err
        except ValueError as err:
            raise SecretError(f"{self.path}: not a tuiphone secret store ({err})") from err
        return dict(doc)

    def _write(self, doc: dict[str, Any]) -> None:
        ensure_dir(self.path.parent, 0o700)
        try:
            atomic_write(self.path, json.dumps(doc, indent=1).encode("utf-8"), 0o600)
        except OSError as err:
            raise SecretError(f"{self.path}: cannot write: {err.strerror}") from err


def store_passphrase(prompt: Prompt | None = None) -> str:
    """``$TUIPHONE_PASSPHRASE``, else ask ``prompt``; SecretError if neither gives one."""
    passphrase = os.environ.get(PASSPHRASE_ENV, "")
    if not passphrase and prompt is not None:
        passphrase = prompt("Passphrase for the tuiphone secret store: ")
    if not passphrase:
        raise SecretError(f"the secret store needs a passphrase: set {PASSPHRASE_ENV} "
                          "or run interactively")
    return passphrase


def read_store_secret(name: str, *, prompt: Prompt | None = None,
                      path: Path | None = None) -> str:
    """The stored secret for ``name``; SecretError if the store has none."""
    store = SecretStore(path)
    if name not in store.names():
        raise SecretError(f"{name}: no password in the secret store {store.path}; "
                          f"add one with: tuiphone secrets set {name}")
    value = store.get(name, store_passphrase(prompt))
    if value is None:  # removed by another process since names()
        raise SecretError(f"{name}: no password in the secret store {store.path}")
    return value
