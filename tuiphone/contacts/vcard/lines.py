"""Bytes to logical lines: unfold, join quoted-printable soft breaks, decode.

Unfolding happens on bytes before decoding, so a fold that splits a UTF-8
sequence still decodes. Each line is decoded as UTF-8 with a per-line cp1252
(then Latin-1) fallback, because real exports mix encodings.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

_LOGICAL = re.compile(rb"[^\r\n]*(?:(?:\r\n|\r|\n)[ \t][^\r\n]*)*(?:\r\n|\r|\n|\Z)")
_FOLD = re.compile(rb"(?:\r\n|\r|\n)[ \t]")


Line = tuple[int, int, int, str]  # start, end, lineno, text


@dataclass(frozen=True, slots=True)
class LogicalLine:
    """One unfolded line; ``start``/``end`` span its physical lines and endings."""

    start: int
    end: int
    lineno: int
    text: str


def decode(raw: bytes) -> str:
    """UTF-8, else cp1252, else Latin-1 (which never fails)."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("cp1252")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def is_qp(content: bytes) -> bool:
    head = content.split(b":", 1)[0].upper()
    return b"QUOTED-PRINTABLE" in head


def _is_boundary(content: bytes) -> bool:
    # A soft line break never swallows the start or end of a card.
    head = content[:12].lstrip().upper()
    return head.startswith((b"BEGIN:VCARD", b"END:VCARD"))


def _breaks(chunk: bytes) -> int:
    return chunk.count(b"\n") or chunk.count(b"\r")


def _strip_ending(chunk: bytes) -> bytes:
    if chunk.endswith(b"\r\n"):
        return chunk[:-2]
    return chunk[:-1] if chunk.endswith((b"\n", b"\r")) else chunk


def unfold(content: bytes) -> bytes:
    # bytes.replace handles the common CRLF folds at C speed; the regex the rest.
    if b"\r\n" in content:
        content = content.replace(b"\r\n ", b"").replace(b"\r\n\t", b"")
    if b"\n" in content or b"\r" in content:
        content = _FOLD.sub(b"", content)
    return content


def _folded(data: bytes) -> Iterator[tuple[int, int, int, bytes]]:
    """(start, end, lineno, unfolded content) per folded line."""
    lineno = 1
    for match in _LOGICAL.finditer(data):
        chunk = match.group()
        if not chunk:
            if match.start() >= len(data):
                break
            continue
        content = unfold(_strip_ending(chunk))
        yield match.start(), match.end(), lineno, content
        lineno += _breaks(chunk)


def line_tuples(data: bytes) -> Iterator[Line]:
    """``logical_lines`` as plain (start, end, lineno, text) tuples: cheaper to make."""
    pending: tuple[int, int, int, bytes] | None = None
    for start, end, lineno, content in _folded(data):
        if pending is not None:
            if pending[3].endswith(b"=") and is_qp(pending[3]) and not _is_boundary(content):
                pending = (pending[0], end, pending[2], pending[3][:-1] + content)
                continue
            yield pending[0], pending[1], pending[2], decode(pending[3])
        pending = (start, end, lineno, content)
    if pending is not None:
        yield pending[0], pending[1], pending[2], decode(pending[3])


def logical_lines(data: bytes) -> Iterator[LogicalLine]:
    """Yield the logical lines of ``data`` in order, with exact byte spans."""
    for start, end, lineno, text in line_tuples(data):
        yield LogicalLine(start, end, lineno, text)
