"""Split a byte stream into cards, keeping each card's exact bytes."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from tuiphone.contacts.errors import ParseWarning
from tuiphone.contacts.vcard.lines import LogicalLine, logical_lines
from tuiphone.contacts.vcard.prop import LAZY, Property, parse_property, parse_value


@dataclass(frozen=True, slots=True)
class Card:
    """One vCard. ``raw`` is its original bytes from BEGIN up to and including END
    (or up to the next BEGIN / end of file when END is missing). ``props`` are the
    properties between BEGIN and END; their spans index ``raw``. ``offset`` is where
    ``raw`` starts in its file and ``lineno`` the 1-based line of BEGIN there."""

    raw: bytes
    props: tuple[Property, ...]
    offset: int = 0
    lineno: int = 1
    has_end: bool = True
    slim: bool = False

    def slimmed(self) -> Card:
        """The same card without its parsed properties (they cost more memory than
        the bytes); ``parsed`` brings them back."""
        return Card(self.raw, (), self.offset, self.lineno, self.has_end, True)

    def parsed(self) -> Card:
        """This card with ``props`` filled in (parses ``raw`` again if slim)."""
        if not self.slim:
            return self
        for item in split_cards(self.raw, "card"):
            if isinstance(item, Card):
                return Card(item.raw, item.props, self.offset, self.lineno, self.has_end)
        return Card(self.raw, (), self.offset, self.lineno, self.has_end)

    @property
    def newline(self) -> bytes:
        """The line ending this card uses (CRLF if it has none)."""
        cut = self.raw.find(b"\n")
        if cut < 0:
            return b"\r" if b"\r" in self.raw else b"\r\n"
        return b"\r\n" if self.raw[cut - 1 : cut] == b"\r" else b"\n"

    @property
    def version(self) -> str:
        return self.first("VERSION").strip() if self.first("VERSION") else ""

    def first(self, name: str) -> str:
        """The raw (still escaped) value of the first ``name`` property, or ''."""
        for prop in self.props:
            if prop.name == name:
                return prop.value
        return ""

    def value_of(self, prop: Property) -> str:
        """``prop``'s value, re-read from ``raw`` when it was kept lazily."""
        if prop.value or prop.name not in LAZY:
            return prop.value
        line = next(logical_lines(self.raw[prop.start : prop.end]), None)
        return parse_value(line.text) if line is not None else ""

    def all(self, name: str) -> list[Property]:
        return [p for p in self.props if p.name == name]


def _keyword(line: LogicalLine) -> str:
    if len(line.text) > 40:  # BEGIN/END lines are short; skip the copies for photos
        return ""
    return line.text.strip().lstrip("\ufeff").upper().replace(" ", "")


class _Builder:
    def __init__(self, data: bytes, begin: LogicalLine) -> None:
        self.data, self.begin = data, begin
        self.props: list[Property] = []

    def add(self, line: LogicalLine) -> None:
        base = self.begin.start
        prop = parse_property(line.text, line.start - base, line.end - base, line.lineno)
        if prop is not None:
            self.props.append(prop)

    def close(self, end: int, has_end: bool) -> Card:
        raw = self.data[self.begin.start : end]
        return Card(raw, tuple(self.props), self.begin.start, self.begin.lineno, has_end)


def split_cards(data: bytes, source: str) -> Iterator[Card | ParseWarning]:
    """Yield every card in ``data``; problems come as ParseWarning items in between.

    A new BEGIN:VCARD or the end of the data closes a card that lacks END:VCARD.
    Text outside cards is ignored. Never raises on bad input.
    """
    current: _Builder | None = None
    for line in logical_lines(data):
        key = _keyword(line)
        if key == "BEGIN:VCARD":
            if current is not None:
                yield ParseWarning(source, current.begin.lineno, "card has no END:VCARD")
                yield current.close(line.start, False)
            current = _Builder(data, line)
        elif current is None:
            continue
        elif key == "END:VCARD":
            yield current.close(line.end, True)
            current = None
        else:
            current.add(line)
    if current is not None:
        yield ParseWarning(source, current.begin.lineno, "card has no END:VCARD")
        yield current.close(len(data), False)
