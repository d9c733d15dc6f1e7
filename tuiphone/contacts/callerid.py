"""Caller-ID tables: E.164, last-digits fallback, and SIP user@host."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from tuiphone.contacts.contact import Contact
from tuiphone.contacts.numbers import digit_suffix, only_digits, sip_key, to_e164

Normalise = Callable[[str, str], "str | None"]
_PLAIN_E164 = re.compile(r"\+[1-9]\d{5,14}")


@dataclass(slots=True)
class CallerIdTable:
    """Maps built once per index; values are contact positions in ``contacts``."""

    region: str
    by_e164: dict[str, list[int]] = field(default_factory=dict)
    by_suffix: dict[str, list[int]] = field(default_factory=dict)
    by_sip: dict[str, list[int]] = field(default_factory=dict)
    by_digits: dict[str, list[int]] = field(default_factory=dict)  # short/odd numbers
    normalise: Normalise = to_e164  # to_e164 or a memo of it, used while building

    def add(self, pos: int, contact: Contact) -> None:
        """Index one contact; ``pos`` must not be lower than any added before."""
        region, normalise = self.region, self.normalise
        hints = _hints(contact, region) if contact.addresses else None
        for phone in contact.phones:
            number = phone.number
            e164 = normalise(number, region)
            if e164 is not None:
                _push(self.by_e164, e164, pos)
            else:  # PBX extensions like 4711 never become E.164
                digits = only_digits(number)
                if digits:
                    _push(self.by_digits, digits, pos)
            suffix = digit_suffix(number)
            if suffix is not None:
                _push(self.by_suffix, suffix, pos)
            if hints and not number.lstrip().startswith(("+", "00")):
                self._add_hinted(pos, number, hints)
        for uri in contact.sips:
            key = sip_key(uri)
            if key is not None:
                user, host = key
                _push(self.by_sip, f"{user}@{host}", pos)
                if not user.islower():
                    _push(self.by_sip, f"{user.lower()}@{host}", pos)

    def _add_hinted(self, pos: int, number: str, hints: set[str]) -> None:
        # A national number of a contact abroad also gets its foreign E.164 key.
        for region in sorted(hints):
            e164 = self.normalise(number, region)
            if e164 is not None:
                _push(self.by_e164, e164, pos)

    def find(self, number_or_uri: str) -> list[int]:
        """Positions of the contacts that own this number or URI; [] if none."""
        key = sip_key(number_or_uri)
        text = number_or_uri
        if key is not None:
            user, host = key
            hits = self.by_sip.get(f"{user}@{host}") or self.by_sip.get(f"{user.lower()}@{host}")
            if hits:
                return hits
            text = user
        if _PLAIN_E164.fullmatch(text) and text in self.by_e164:
            return self.by_e164[text]  # already a stored key: skip phonenumbers
        e164 = to_e164(text, self.region)
        if e164 is not None and e164 in self.by_e164:
            return self.by_e164[e164]
        exact = self.by_digits.get(only_digits(text)) if e164 is None else None
        if exact:
            return exact
        suffix = digit_suffix(e164 or text)
        return self.by_suffix.get(suffix, []) if suffix else []


def _hints(contact: Contact, region: str) -> set[str]:
    return {a.country_code for a in contact.addresses if a.country_code} - {region}


def _push(table: dict[str, list[int]], key: str, pos: int) -> None:
    # Positions arrive in increasing order, so a repeat can only be the last one.
    hits = table.get(key)
    if hits is None:
        table[key] = [pos]
    elif hits[-1] != pos:
        hits.append(pos)


def build_table(
    contacts: Iterable[Contact], region: str, normalise: Normalise = to_e164
) -> CallerIdTable:
    table = CallerIdTable(region.upper(), normalise=normalise)
    for pos, contact in enumerate(contacts):
        table.add(pos, contact)
    return table
