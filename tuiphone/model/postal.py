"""A postal address as one line of text, the form the contact editor shows and reads.

``home: 1 Elm St; Springfield; IL; 12345; USA`` — optional vCard types before a colon,
then street; locality; region; postal code; country (RFC 6350's ADR order without the
post office box and extended address). An address that has those two is written with
all seven parts: ``PO Box 7; Suite 2; 1 Elm St; ...``.
"""

from __future__ import annotations

import re

from tuiphone.model.errors import UsageError

ADR_PARTS = 7  # pobox, extended, street, locality, region, code, country
_SHORT = 5
_TYPES = frozenset({"home", "work", "postal", "parcel", "dom", "intl", "other"})
_PREFIX = re.compile(r"\s*([A-Za-z]+(?:\s*,\s*[A-Za-z]+)*)\s*:\s*(.*)\Z", re.DOTALL)


def postal_line(parts: tuple[str, ...], types: tuple[str, ...] = ()) -> str:
    """``parts`` (the seven ADR components) and types as one editable line."""
    full = (tuple(parts) + ("",) * ADR_PARTS)[:ADR_PARTS]
    shown = full if any(full[:2]) else full[2:]
    text = "; ".join(shown).rstrip("; ")
    return f"{','.join(types)}: {text}" if types else text


def parse_postal_line(line: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(the seven ADR components, sorted types) of an editor line. Raises UsageError."""
    types: tuple[str, ...] = ()
    match = _PREFIX.match(line)
    if match:
        words = tuple(w.strip().lower() for w in match.group(1).split(","))
        if set(words) <= _TYPES:
            types, line = tuple(sorted(set(words))), match.group(2)
    parts = [p.strip() for p in line.split(";")]
    if len(parts) <= _SHORT:
        parts = ["", "", *parts, *[""] * (_SHORT - len(parts))]
    if len(parts) != ADR_PARTS:
        raise UsageError(f"address {line.strip()!r}: give street; city; region; postal "
                         "code; country (or all 7 parts, with PO box and extended first)")
    if not any(parts):
        raise UsageError("an address needs at least one part")
    return tuple(parts), types
