"""Split a byte stream into cards, keeping each card's exact bytes."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from tuiphone.contacts.errors import ParseWarning
from tuiphone.contacts.vcard.fastlines import fast_lines
from tuiphone.contacts.vcard.lines import line_tuples, logical_lines
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


_KEY_START = frozenset("BbEe\ufeff")  # what a BEGIN/END line can start with (or space)


def _keyword(text: str) -> str:
    # BEGIN/END lines are short and start with one of a few characters: skip the
    # copies for every other line (and for photos above all).
    first = text[:1]
    if len(text) > 40 or (first not in _KEY_START and not first.isspace()):
        return ""
    return text.strip().lstrip("\ufeff").upper().replace(" ", "")


def split_cards(data: bytes, source: str) -> Iterator[Card | ParseWarning]:
    """Yield every card in ``data``; problems come as ParseWarning items in between.

    A new BEGIN:VCARD or the end of the data closes a card that lacks END:VCARD.
    Text outside cards is ignored. Never raises on bad input.
    """
    lines = fast_lines(data)
    begin: tuple[int, int] | None = None  # offset and line number of BEGIN
    props: list[Property] = []
    for start, end, lineno, text in line_tuples(data) if lines is None else lines:
        key = _keyword(text)
        if key == "BEGIN:VCARD":
            if begin is not None:
                yield ParseWarning(source, begin[1], "card has no END:VCARD")
                yield _card(data, begin, start, props, False)
            begin, props = (start, lineno), []
        elif begin is None:
            continue
        elif key == "END:VCARD":
            yield _card(data, begin, end, props, True)
            begin = None
        else:
            prop = parse_property(text, start - begin[0], end - begin[0], lineno)
            if prop is not None:
                props.append(prop)
    if begin is not None:
        yield ParseWarning(source, begin[1], "card has no END:VCARD")
        yield _card(data, begin, len(data), props, False)


def _card(
    data: bytes, begin: tuple[int, int], end: int, props: list[Property], closed: bool
) -> Card:
    return Card(data[begin[0] : end], tuple(props), begin[0], begin[1], closed)
