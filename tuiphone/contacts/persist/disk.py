"""The cache file frame: a fixed head, a JSON header, then a blob of card bytes.

Head: magic, format version, header length, blob length, CRC-32 of the header.
The lengths catch a truncated file, the CRC a damaged header, and JSON keeps
the format safe to read (nothing in it can run code, unlike pickle). The blob
is read card by card (``read_raw``), so the file is never held in memory
whole next to the cards made from it.
"""

from __future__ import annotations

import json
import os
import struct
import tempfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, BinaryIO

MAGIC = b"TPHCNTC\x00"
FORMAT = 1
_HEAD = struct.Struct("<8sIQQI")


class Corrupt(Exception):
    """The file is not a readable cache file of this format; callers ignore it."""


def ensure_dir(folder: Path) -> None:
    """Create ``folder`` (mode 0700); tighten it if it is ours and looser."""
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    st = folder.stat()
    if st.st_uid == os.getuid() and st.st_mode & 0o077:
        folder.chmod(0o700)


def write(path: Path, header: list[bytes], blobs: list[bytes]) -> None:
    """Atomically replace ``path`` with the header (JSON text in pieces, so no
    joined copy is made) and the blobs (mode 0600)."""
    crc = 0
    for piece in header:
        crc = zlib.crc32(piece, crc)
    hlen, blen = sum(map(len, header)), sum(map(len, blobs))
    write_private(path, [_HEAD.pack(MAGIC, FORMAT, hlen, blen, crc), *header, *blobs])


def write_private(path: Path, chunks: Iterable[bytes]) -> None:
    """Atomically replace ``path`` (mode 0600, folder 0700). No fsync: after a
    crash a torn file fails its length or CRC check and is simply rebuilt."""
    ensure_dir(path.parent)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            out.writelines(chunks)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@contextmanager
def read(path: Path) -> Iterator[tuple[Any, Callable[[int], bytes]]]:
    """Yield (header, read_raw). Raises Corrupt for anything but a sound file of
    ours, OSError if it cannot be opened."""
    with open(path, "rb") as f:
        st = os.fstat(f.fileno())
        if st.st_uid != os.getuid() or st.st_mode & 0o022:
            raise Corrupt("not ours alone")
        magic, version, hlen, blen, crc = _unpack(f.read(_HEAD.size))
        if magic != MAGIC or version != FORMAT or st.st_size != _HEAD.size + hlen + blen:
            raise Corrupt("wrong magic, version or length")
        text = f.read(hlen)
        if zlib.crc32(text) != crc:
            raise Corrupt("header checksum")
        try:
            header = json.loads(text)
        except ValueError as err:
            raise Corrupt("header") from err
        yield header, _reader(f, blen)


def _unpack(head: bytes) -> tuple[bytes, int, int, int, int]:
    try:
        return _HEAD.unpack(head)
    except struct.error as err:
        raise Corrupt("short head") from err


def _reader(f: BinaryIO, total: int) -> Callable[[int], bytes]:
    left = [total]

    def read_raw(size: int) -> bytes:
        if not 0 <= size <= left[0]:
            raise Corrupt("blob overrun")
        left[0] -= size
        return f.read(size)

    return read_raw
