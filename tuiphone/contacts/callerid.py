"""Caller-ID tables: E.164, last-digits fallback, and SIP user@host.

A contact's keys (``CallerKeys``) are worked out once, kept with its index row
(and in the warm-start cache); building a table only files them by position.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple, Protocol

from tuiphone.contacts.contact import Contact
from tuiphone.contacts.numbers import digit_suffix, only_digits, sip_key, to_e164

Normalise = Callable[[str, str], "str | None"]
Hits = int | list[int]
_PLAIN_E164 = re.compile(r"\+[1-9]\d{5,14}")


class CallerKeys(NamedTuple):
    """What one contact is found by: E.164 numbers (its region's and, for a contact
    abroad, the address country's), the digits of numbers that are not E.164 (PBX
    extensions), the last digits of every number, and SIP ``user@host`` keys.

    The first three are space-separated (they never hold a space): one string
    instead of a list keeps a big book's many small objects down.
    """

    e164: str
    digits: str
    suffixes: str
    sips: Sequence[str]


class Keyed(Protocol):
    """Anything holding a contact's keys (``CallerKeys``, an index row)."""

    @property
    def e164(self) -> str: ...
    @property
    def digits(self) -> str: ...
    @property
    def suffixes(self) -> str: ...
    @property
    def sips(self) -> Sequence[str]: ...


def caller_keys(contact: Contact, region: str, normalise: Normalise = to_e164) -> CallerKeys:
    """``contact``'s keys for reading national numbers in ``region`` (upper case)."""
    e164s: list[str] = []
    digits: list[str] = []
    suffixes: list[str] = []
    hints = _hints(contact, region) if contact.addresses else None
    for phone in contact.phones:
        number = phone.number
        e164 = normalise(number, region)
        if e164 is not None:
            e164s.append(e164)
        else:  # PBX extensions like 4711 never become E.164
            plain = only_digits(number)
            if plain:
                digits.append(plain)
        suffix = digit_suffix(number)
        if suffix is not None:
            suffixes.append(suffix)
        if hints and not number.lstrip().startswith(("+", "00")):
            # A national number of a contact abroad also gets its foreign E.164 key.
            e164s += [k for k in (normalise(number, r) for r in sorted(hints)) if k is not None]
    return CallerKeys(" ".join(e164s), " ".join(digits), " ".join(suffixes),
                      _sip_keys(contact.sips))


def _sip_keys(uris: Iterable[str]) -> list[str]:
    keys = []
    for uri in uris:
        key = sip_key(uri)
        if key is not None:
            user, host = key
            keys.append(f"{user}@{host}")
            if not user.islower():
                keys.append(f"{user.lower()}@{host}")
    return keys


@dataclass(slots=True)
class CallerIdTable:
    """Maps built once per index; values are contact positions in ``contacts``:
    a bare int for a key only one contact has (most keys), else a list."""

    region: str
    by_e164: dict[str, Hits] = field(default_factory=dict)
    by_suffix: dict[str, Hits] = field(default_factory=dict)
    by_sip: dict[str, Hits] = field(default_factory=dict)
    by_digits: dict[str, Hits] = field(default_factory=dict)  # short/odd numbers

    def add(self, pos: int, keys: Keyed) -> None:
        """File one contact's keys; ``pos`` must not be lower than any added before."""
        if keys.e164:  # most contacts have no keys of some kind: skip those cheaply
            _push(self.by_e164, keys.e164.split(), pos)
        if keys.digits:
            _push(self.by_digits, keys.digits.split(), pos)
        if keys.suffixes:
            _push(self.by_suffix, keys.suffixes.split(), pos)
        if keys.sips:
            _push(self.by_sip, keys.sips, pos)

    def find(self, number_or_uri: str) -> list[int]:
        """Positions of the contacts that own this number or URI; [] if none."""
        return _listed(self._find(number_or_uri))

    def _find(self, number_or_uri: str) -> Hits | None:
        key = sip_key(number_or_uri)
        text = number_or_uri
        if key is not None:
            user, host = key
            hits = self.by_sip.get(f"{user}@{host}")
            if hits is None:
                hits = self.by_sip.get(f"{user.lower()}@{host}")
            if hits is not None:
                return hits
            text = user
        if _PLAIN_E164.fullmatch(text) and text in self.by_e164:
            return self.by_e164[text]  # already a stored key: skip phonenumbers
        e164 = to_e164(text, self.region)
        if e164 is not None and e164 in self.by_e164:
            return self.by_e164[e164]
        exact = self.by_digits.get(only_digits(text)) if e164 is None else None
        if exact is not None:
            return exact
        suffix = digit_suffix(e164 or text)
        return self.by_suffix.get(suffix) if suffix else None


def _listed(hits: Hits | None) -> list[int]:
    if hits is None:
        return []
    return [hits] if isinstance(hits, int) else hits


def _hints(contact: Contact, region: str) -> set[str]:
    return {a.country_code for a in contact.addresses if a.country_code} - {region}


def _push(table: dict[str, Hits], keys: Iterable[str], pos: int) -> None:
    # Positions arrive in increasing order, so a repeat can only be the last one.
    for key in keys:
        hits = table.get(key)
        if hits is None:
            table[key] = pos
        elif isinstance(hits, int):
            if hits != pos:
                table[key] = [hits, pos]
        elif hits[-1] != pos:
            hits.append(pos)


def build_table(keys: Iterable[Keyed], region: str) -> CallerIdTable:
    """A table of contacts given by their keys, in position order."""
    table = CallerIdTable(region.upper())
    for pos, each in enumerate(keys):
        table.add(pos, each)
    return table
