"""One cache file per contact source: every file's stamp and parse result.

A file's entry is used only while its (mtime_ns, size, inode) still match
(``FileCache`` checks), so an edited, replaced or added card is parsed again.
"""

from __future__ import annotations

import hashlib
import json
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
from tuiphone.contacts.persist.erase import CACHE_SUFFIX
from tuiphone.contacts.reader import ReadResult


def cache_file(folder: Path, identity: str) -> Path:
    """Where the cache for the source ``identity`` (kind, id and location) lives."""
    digest = hashlib.sha256(identity.encode("utf-8")).hexdigest()[:32]
    return folder / f"{digest}{CACHE_SUFFIX}"


def save(path: Path, identity: str, entries: list[Entry]) -> None:
    """Write ``entries`` (raises OSError when the cache cannot be written)."""
    blobs: list[bytes] = []
    head = _dumps({"identity": identity, "parser": PARSER_VERSION, "files": []})
    pieces = [head[: -len("[]}")].encode("utf-8") + b"["]
    for n, ((name, book, href), stamp, result) in enumerate(sorted(entries, key=_by_key)):
        rows = [encode(c, blobs) for c in result.contacts]
        warnings = [encode_warning(w) for w in result.warnings]
        item = _dumps([name, book, href, *stamp, rows, warnings])  # the rows die here
        pieces.append((item if n == 0 else "," + item).encode("utf-8"))
    pieces.append(b"]}")
    disk.write(path, pieces, blobs)


def _by_key(entry: Entry) -> tuple[str, str, str]:
    return entry[0]


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def load(path: Path, identity: str) -> list[Entry]:
    """The stored entries, or [] when the file is missing, damaged or not for
    ``identity`` or this parser version."""
    try:
        with disk.read(path) as (header, read_raw):
            if header.get("identity") != identity or header.get("parser") != PARSER_VERSION:
                return []
            decoder, files = Decoder(read_raw), header["files"]
            entries = []
            for i, item in enumerate(files):
                entries.append(_entry(item, decoder))
                files[i] = None  # let the decoded rows go as we go
            return entries
    except (OSError, disk.Corrupt, LookupError, TypeError, ValueError, AttributeError):
        return []


def _entry(f: list[Any], decoder: Decoder) -> Entry:
    name, book, href, mtime, size, ino, rows, warnings = f
    origin = Origin(book, name, href)
    result = ReadResult(
        [decoder.contact(r, origin) for r in rows], [decode_warning(w) for w in warnings]
    )
    return (name, book, href), (mtime, size, ino), result
