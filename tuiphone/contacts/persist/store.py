"""One cache file per contact source: every file's stamp and parse result.

A file's entry is used only while its (mtime_ns, size, inode) still match
(``FileCache`` checks), so an edited, replaced or added card is parsed again.
Index rows are kept too, under their ``indexrow.stamp``; rows of another stamp
(region, ``phonenumbers`` version) are dropped on load and made again.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from tuiphone.contacts.contact import Origin
from tuiphone.contacts.filecache import Entry
from tuiphone.contacts.indexrow import IndexRow
from tuiphone.contacts.persist import disk
from tuiphone.contacts.persist.codec import (
    PARSER_VERSION,
    Decoder,
    decode_warning,
    encode,
    encode_warning,
    new_origin,
)
from tuiphone.contacts.persist.erase import CACHE_SUFFIX
from tuiphone.contacts.reader import ReadResult


def cache_file(folder: Path, identity: str) -> Path:
    """Where the cache for the source ``identity`` (kind, id and location) lives."""
    digest = hashlib.sha256(identity.encode("utf-8")).hexdigest()[:32]
    return folder / f"{digest}{CACHE_SUFFIX}"


def save(path: Path, identity: str, entries: list[Entry], rows_stamp: str) -> None:
    """Write ``entries``, their rows as made for ``rows_stamp`` (raises OSError
    when the cache cannot be written)."""
    blobs: list[bytes] = []
    head = _dumps(
        {"identity": identity, "parser": PARSER_VERSION, "rows": rows_stamp, "files": []}
    )
    pieces = [head[: -len("[]}")].encode("utf-8") + b"["]
    for n, ((name, book, href), stamp, result) in enumerate(sorted(entries, key=_by_key)):
        rows = [encode(c, blobs) for c in result.contacts]
        warnings = [encode_warning(w) for w in result.warnings]
        index = result.rows if len(result.rows) == len(rows) and None not in result.rows else []
        item = _dumps([name, book, href, *stamp, rows, warnings, index])  # the rows die here
        pieces.append((item if n == 0 else "," + item).encode("utf-8"))
    pieces.append(b"]}")
    disk.write(path, pieces, blobs)


def _by_key(entry: Entry) -> tuple[str, str, str]:
    return entry[0]


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def load(path: Path, identity: str, rows_stamp: str) -> list[Entry]:
    """The stored entries, or [] when the file is missing, damaged or not for
    ``identity`` or this parser version. Their index rows are kept only if they
    were made for ``rows_stamp``."""
    try:
        with disk.read(path) as (header, read_raw):
            if header.get("identity") != identity or header.get("parser") != PARSER_VERSION:
                return []
            decoder, files = Decoder(read_raw), header["files"]
            rows_ok = header.get("rows") == rows_stamp
            entries = []
            for i, item in enumerate(files):
                entries.append(_entry(item, decoder, rows_ok))
                files[i] = None  # let the decoded rows go as we go
            return entries
    except (OSError, disk.Corrupt, LookupError, TypeError, ValueError, AttributeError):
        return []


def _entry(f: list[Any], decoder: Decoder, rows_ok: bool) -> Entry:
    name, book, href, mtime, size, ino, rows, warnings, index = f
    origin: Origin = new_origin(book, name, href)
    contacts = [decoder.contact(r, origin) for r in rows]
    made: list[IndexRow | None] = []
    if rows_ok and len(index) == len(rows):
        made = [IndexRow(*r) for r in index]
    result = ReadResult(contacts, [decode_warning(w) for w in warnings], made)
    return (name, book, href), (mtime, size, ino), result
