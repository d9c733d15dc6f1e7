"""Serialise property lines and patch a card's bytes.

Patching replaces the byte spans of the touched properties and reparses, so
every other line (unknown properties included) stays byte-identical.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from tuiphone.contacts.errors import EditError
from tuiphone.contacts.vcard.card import Card, split_cards

FOLD_AT = 75
_END = re.compile(rb"(?im)^[ \t]*END[ \t]*:[ \t]*VCARD")


def _param_value(value: str) -> str:
    return f'"{value}"' if any(c in value for c in ":;") else value


def format_line(
    name: str, value: str, params: Sequence[tuple[str, str]] = (), group: str = ""
) -> str:
    """``group.NAME;K=V:value``; ``value`` must already be escaped."""
    head = f"{group}.{name}" if group else name
    for key, val in params:
        head += f";{key}={_param_value(val)}"
    return f"{head}:{value}"


def fold(line: str, newline: bytes = b"\r\n") -> bytes:
    """Encode as UTF-8 and fold at 75 octets without splitting a UTF-8 sequence."""
    data = line.encode("utf-8")
    out: list[bytes] = []
    limit = FOLD_AT
    while len(data) > limit:
        cut = limit
        while cut > 1 and (data[cut] & 0xC0) == 0x80:
            cut -= 1
        out.append(data[:cut])
        data = data[cut:]
        limit = FOLD_AT - 1
    out.append(data)
    return (newline + b" ").join(out) + newline


@dataclass(frozen=True, slots=True)
class Patch:
    """``replace`` maps property indexes to new folded lines (b"" deletes the line);
    ``add`` lines go after property ``after`` (-1: just before END)."""

    replace: tuple[tuple[int, bytes], ...] = ()
    add: tuple[bytes, ...] = ()
    after: int = -1


def _insert_at(card: Card, raw: bytes, after: int) -> int:
    if 0 <= after < len(card.props):
        return card.props[after].end
    if not card.has_end:
        return len(raw)
    ends = list(_END.finditer(raw))
    if ends:
        return ends[-1].start()
    return card.props[-1].end if card.props else len(raw)


def apply_patch(card: Card, patch: Patch) -> Card:
    """The card with the patch applied, reparsed; ``offset``/``lineno`` are kept.

    A card that lacked END:VCARD gets one. Raises EditError for a bad index.
    """
    card = card.parsed()
    if any(not 0 <= i < len(card.props) for i, _ in patch.replace):
        raise EditError(f"no such property in this card: {[i for i, _ in patch.replace]}")
    raw = card.raw
    if not card.has_end and not raw.endswith((b"\n", b"\r")):
        raw += card.newline
    edits = [(card.props[i].start, card.props[i].end, new) for i, new in patch.replace]
    if patch.add:
        at = _insert_at(card, raw, patch.after)
        edits.append((at, at, b"".join(patch.add)))
    edits.sort(key=lambda e: (e[0], e[1]))
    out: list[bytes] = []
    pos = 0
    for start, end, new in edits:
        out += (raw[pos:start], new)
        pos = end
    out.append(raw[pos:])
    if not card.has_end:
        out.append(b"END:VCARD" + card.newline)
    return reparse(b"".join(out), card)


def reparse(raw: bytes, like: Card) -> Card:
    """Parse ``raw`` as one card, keeping ``like``'s file position."""
    for item in split_cards(raw, "edit"):
        if isinstance(item, Card):
            return Card(item.raw, item.props, like.offset, like.lineno, item.has_end)
    raise EditError("the edited card does not parse")
