"""Read cards from bytes or a file into Contacts, collecting warnings."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from tuiphone.contacts.contact import Contact, Origin
from tuiphone.contacts.errors import ParseWarning
from tuiphone.contacts.extract import to_contact
from tuiphone.contacts.persist.fastnew import maker
from tuiphone.contacts.quickread import USEFUL, quick_contact
from tuiphone.contacts.vcard.card import Card, split_cards

if TYPE_CHECKING:
    from tuiphone.contacts.indexrow import IndexRow

_new_origin = maker(Origin)  # one per file: see ``persist.fastnew``

@dataclass(slots=True)
class ReadResult:
    """Contacts that loaded and warnings about what did not.

    ``rows[i]``, where present and not None, is ``contacts[i]``'s index row (made
    by whoever owns the region, see ``FileCache``); ``rows`` may be shorter.
    """

    contacts: list[Contact] = field(default_factory=list)
    warnings: list[ParseWarning] = field(default_factory=list)
    rows: list[IndexRow | None] = field(default_factory=list)

    @classmethod
    def merged(cls, results: list[ReadResult]) -> ReadResult:
        """One result holding all of ``results`` in order (as ``extend`` would)."""
        rows: list[IndexRow | None] = []
        if any(r.rows for r in results):
            rows = [row for r in results for row in _padded(r)]
        return cls(
            [c for r in results for c in r.contacts],
            [w for r in results for w in r.warnings],
            rows,
        )

    def extend(self, other: ReadResult) -> None:
        if other.rows:
            self.rows += [None] * (len(self.contacts) - len(self.rows))
            self.rows += other.rows
        self.contacts += other.contacts
        self.warnings += other.warnings


def _padded(result: ReadResult) -> list[IndexRow | None]:
    missing = len(result.contacts) - len(result.rows)
    return result.rows if not missing else [*result.rows, *[None] * missing]


def _check(card: Card, source: str) -> ParseWarning | None:
    if not any(p.name in USEFUL for p in card.props):
        return ParseWarning(source, card.lineno, "card skipped: no name, number or address")
    return None


def parse_bytes(data: bytes, origin: Origin) -> ReadResult:
    """Parse every card in ``data``. Never raises; bad cards become warnings.
    A file of one plain card takes the fast path (``quickread``), same result."""
    quick = quick_contact(data, origin)
    if quick is not None:
        return ReadResult([quick])
    return parse_tolerant(data, origin)


def parse_tolerant(data: bytes, origin: Origin) -> ReadResult:
    """``parse_bytes`` without the fast path: what it must agree with."""
    result = ReadResult()
    source = origin.path or origin.href or origin.book
    for item in split_cards(data, source):
        if isinstance(item, ParseWarning):
            result.warnings.append(item)
            continue
        problem = _check(item, source)
        if problem is not None:
            result.warnings.append(problem)
            continue
        try:
            result.contacts.append(to_contact(item, origin))
        except Exception as err:  # a bug in one card's extraction must not lose the rest
            result.warnings.append(ParseWarning(source, item.lineno, f"card skipped: {err!r}"))
    return result


def read_file(path: Path | str, book: str, href: str = "") -> ReadResult:
    """Read one .vcf file; an unreadable file is a warning, not an error."""
    return read_stamped(os.fspath(path), book, href)[0]


def read_stamped(name: str, book: str, href: str = "") -> tuple[ReadResult, os.stat_result | None]:
    """``read_file`` and the file's stat, taken before reading (None if unreadable)."""
    try:
        st, data = _slurp(name)
    except OSError as err:
        return ReadResult(warnings=[ParseWarning(name, 0, f"cannot read: {err.strerror}")]), None
    return parse_bytes(data, _new_origin(book, name, href)), st


def _slurp(name: str) -> tuple[os.stat_result, bytes]:
    """The stat and bytes of a file, with fewer system calls and objects than
    ``open``: raw reads (the first asks for all of it) until the end."""
    fd = os.open(name, os.O_RDONLY | os.O_CLOEXEC)
    try:
        st = os.fstat(fd)
        data = os.read(fd, st.st_size + 1)
        if not data:
            return st, data
        parts = [data]
        while chunk := os.read(fd, 1 << 20):  # short reads happen (FUSE, NFS, growth)
            parts.append(chunk)
        return st, data if len(parts) == 1 else b"".join(parts)
    finally:
        os.close(fd)
