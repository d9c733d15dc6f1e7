"""One cache file per contact source: every file's stamp and parse result.

A file's entry is used only while its (mtime_ns, size, inode) still match
(``FileCache`` checks), so an edited, replaced or added card is parsed again.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from tuiphone.contacts.contact import Origin
from tuiphone.contacts.filecache import Entry
from tuiphone.contacts.persist import disk
from tuiphone.contacts.persist.codec import (
    PARSER_VERSION,
    Decoder,
    decode_warning,
    encode,
    encode_warning,
)
from tuiphone.contacts.reader import ReadResult

SUFFIX = ".cache"


def cache_file(folder: Path, identity: str) -> Path:
    """Where the cache for the source ``identity`` (kind, id and location) lives."""
    digest = hashlib.sha256(identity.encode("utf-8")).hexdigest()[:32]
    return folder / f"{digest}{SUFFIX}"


def save(path: Path, identity: str, entries: list[Entry]) -> None:
    """Write ``entries`` (raises OSError when the cache cannot be written)."""
    blobs: list[bytes] = []
    files = []
    for (name, book, href), stamp, result in sorted(entries, key=lambda e: e[0]):
        rows = [encode(c, blobs) for c in result.contacts]
        warnings = [encode_warning(w) for w in result.warnings]
        files.append([name, book, href, *stamp, rows, warnings])
    header = {"identity": identity, "parser": PARSER_VERSION, "files": files}
    disk.write(path, header, blobs)


def load(path: Path, identity: str) -> list[Entry]:
    """The stored entries, or [] when the file is missing, damaged or not for
    ``identity`` or this parser version."""
    try:
        with disk.read(path) as (header, read_raw):
            if header.get("identity") != identity or header.get("parser") != PARSER_VERSION:
                return []
            decoder = Decoder(read_raw)
            return [_entry(f, decoder) for f in header["files"]]
    except (OSError, disk.Corrupt, LookupError, TypeError, ValueError, AttributeError):
        return []


def _entry(f: list[Any], decoder: Decoder) -> Entry:
    name, book, href, mtime, size, ino, rows, warnings = f
    origin = Origin(book, name, href)
    result = ReadResult(
        [decoder.contact(r, origin) for r in rows], [decode_warning(w) for w in warnings]
    )
    return (name, book, href), (mtime, size, ino), result
