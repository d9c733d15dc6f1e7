"""File encryption, streamed in 1 MiB chunks so memory stays flat.

Every file gets a fresh random key; the key material travels inside the SIP MESSAGE.
- ``aes-256-gcm`` (ours): file-key = 32-byte key + 12-byte nonce (44 bytes), 16-byte tag.
- ``linphone``: AES-192-GCM, file-key = 24-byte key + 8-byte IV (32 bytes), no AAD,
  16-byte tag (liblinphone's LIME file transfer).
Both carry the tag apart from the ciphertext (``file-authTag``), so the ciphertext is as
long as the plaintext. The receiver tells them apart by the file-key's length.
- ``acrobits``: AES-CTR (128/192/256 by key length) with an all-zero counter block and a
  CRC32 of the plaintext: no authentication, receive only.
``cryptography`` is imported on first use (command-line start-up stays fast).
Decryption checks the tag only at the end: callers write to a temporary file and delete
it when ``finish`` raises BadFile.
"""

from __future__ import annotations

import os
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, BinaryIO

from tuiphone.files.errors import BadFile
from tuiphone.model.files import Cipher as Scheme

CHUNK = 1 << 20
TAG_LEN = 16
_MATERIAL = {Scheme.AES256GCM: (32, 12), Scheme.LINPHONE: (24, 8)}
Progress = Callable[[int], None]  # bytes done so far


@dataclass(frozen=True, slots=True)
class FileKey:
    """What opens one file. ``material``: the fthttp file-key (GCM) or the CTR key;
    ``tag``: the GCM tag; ``crc``: Acrobits' CRC32 of the plaintext (None: not given)."""

    scheme: str  # "gcm" | "ctr" | "plain"
    material: bytes
    tag: bytes = b""
    crc: int | None = None


def new_material(scheme: Scheme) -> bytes:
    key_len, iv_len = _MATERIAL[scheme]
    return os.urandom(key_len + iv_len)


def _gcm_parts(material: bytes) -> tuple[bytes, bytes]:
    for key_len, iv_len in _MATERIAL.values():
        if len(material) == key_len + iv_len:
            return material[:key_len], material[key_len:]
    raise BadFile(f"a file key of {len(material)} bytes fits no known format "
                  "(44: AES-256-GCM, 32: Linphone AES-192-GCM)")


def encrypt_file(src: BinaryIO, dst: BinaryIO, material: bytes,
                 progress: Progress | None = None) -> bytes:
    """Encrypt ``src`` into ``dst``; returns the tag."""
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

    key, iv = _gcm_parts(material)
    enc = Cipher(algorithms.AES(key), modes.GCM(iv)).encryptor()
    done = 0
    while chunk := src.read(CHUNK):
        dst.write(enc.update(chunk))
        done += len(chunk)
        if progress:
            progress(done)
    dst.write(enc.finalize())
    return enc.tag


class Decryptor:
    """Feed ciphertext with ``update``; ``finish`` raises BadFile unless it checks out."""

    def __init__(self, key: FileKey) -> None:
        from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

        self._key = key
        self._crc = 0
        self._ctx: Any = None
        if key.scheme == "plain":  # not encrypted (Linphone outside LIME); CRC if given
            return
        if key.scheme == "ctr":
            if len(key.material) not in (16, 24, 32):
                raise BadFile(f"an AES-CTR key of {len(key.material)} bytes")
            self._ctx = Cipher(algorithms.AES(key.material), modes.CTR(bytes(16))).decryptor()
        elif key.scheme == "gcm":
            aes_key, iv = _gcm_parts(key.material)
            if len(key.tag) != TAG_LEN:
                raise BadFile("the file has no authentication tag (file-authTag): refused, "
                              "as it could have been altered")
            self._ctx = Cipher(algorithms.AES(aes_key), modes.GCM(iv, key.tag)).decryptor()
        else:
            raise BadFile(f"unknown file encryption {key.scheme!r}")

    def update(self, data: bytes) -> bytes:
        plain = self._ctx.update(data) if self._ctx is not None else data
        self._crc = zlib.crc32(plain, self._crc)
        return plain

    def finish(self) -> bytes:
        from cryptography.exceptions import InvalidTag

        try:
            tail = self._ctx.finalize() if self._ctx is not None else b""
        except InvalidTag:
            raise BadFile("the file's authentication tag does not match: it was altered "
                          "or damaged; nothing was saved") from None
        self._crc = zlib.crc32(tail, self._crc)
        if self._key.crc is not None and self._crc != self._key.crc:
            raise BadFile(f"the file's CRC32 is {self._crc}, not {self._key.crc}: damaged; "
                          "nothing was saved")
        return tail


def decrypt_stream(chunks: Iterator[bytes], dst: BinaryIO, key: FileKey | None) -> int:
    """Write the plaintext of ``chunks`` to ``dst``; returns its size. ``key`` None: the
    file was not encrypted. Raises BadFile (``dst`` then holds garbage: delete it)."""
    dec = Decryptor(key) if key is not None else None
    size = 0
    for chunk in chunks:
        plain = dec.update(chunk) if dec else chunk
        dst.write(plain)
        size += len(plain)
    if dec:
        tail = dec.finish()
        dst.write(tail)
        size += len(tail)
    return size


def pack(key: FileKey) -> bytes:
    """``key`` as bytes for the vault (which wraps them)."""
    crc = -1 if key.crc is None else key.crc
    head = f"{key.scheme}:{crc}:{len(key.material)}:".encode("ascii")
    return head + key.material + key.tag


def unpack(data: bytes) -> FileKey:
    """The inverse of ``pack``. Raises BadFile."""
    try:
        scheme, crc, length, rest = data.split(b":", 3)
        size = int(length)
        number = int(crc)
    except ValueError:
        raise BadFile("a stored file key is damaged") from None
    return FileKey(scheme.decode("ascii"), rest[:size], rest[size:],
                   None if number < 0 else number)
