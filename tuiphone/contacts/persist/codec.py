"""Contacts to JSON-able rows and back; card bytes travel separately, in a blob.

Rows are positional lists (smaller and faster to load than dicts). Bump
``PARSER_VERSION`` whenever reading or extraction changes what a Contact holds,
so caches written by an older parser are dropped.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tuiphone.contacts.contact import Contact, Origin
from tuiphone.contacts.errors import ParseWarning
from tuiphone.contacts.fields import Address, Birthday, Email, Gender, Name, Phone
from tuiphone.contacts.persist.fastnew import maker
from tuiphone.contacts.vcard.card import Card

PARSER_VERSION = 3  # 2: index rows stored with each file; 3: types as one string

Row = list[Any]
ReadRaw = Callable[[int], bytes]

# Decoding builds some ten frozen objects per contact: see ``fastnew``.
_new_contact = maker(Contact)
new_origin = maker(Origin)
_new_card, _new_name = maker(Card), maker(Name)
_new_phone, _new_email, _new_address = maker(Phone), maker(Email), maker(Address)
_new_birthday, _new_gender = maker(Birthday), maker(Gender)


def encode(contact: Contact, raws: list[bytes]) -> Row:
    """``contact`` as a row; its card bytes are appended to ``raws``."""
    c, card = contact, contact.card
    raws.append(card.raw)
    n = c.name
    return [
        c.uid, c.display_name, [n.family, n.given, n.additional, n.prefix, n.suffix],
        c.fn, c.nickname, c.org, c.title,
        [[p.number, _types(p.types), p.label, p.pref] for p in c.phones],
        [[e.address, _types(e.types), e.label, e.pref] for e in c.emails],
        list(c.sips),
        [_address(a) for a in c.addresses],
        None if c.birthday is None else [c.birthday.text, c.birthday.year, c.birthday.month,
                                         c.birthday.day],
        None if c.gender is None else [c.gender.sex, c.gender.identity],
        list(c.categories), c.note, c.rev, c.version,
        [len(card.raw), card.offset, card.lineno, card.has_end], c.has_photo,
    ]


def _types(types: frozenset[str]) -> str:
    # TYPE values are split at commas when read, so none holds one.
    return ",".join(sorted(types))


def _address(a: Address) -> Row:
    return [a.pobox, a.extended, a.street, a.locality, a.region, a.code, a.country,
            _types(a.types), a.label, a.country_code]


class Decoder:
    """Rebuilds contacts, sharing equal type sets between them to save memory."""

    def __init__(self, read_raw: ReadRaw) -> None:
        self._read_raw = read_raw
        self._types: dict[str, frozenset[str]] = {}

    def _set(self, joined: str) -> frozenset[str]:
        found = self._types.get(joined)
        if found is None:
            found = self._types[joined] = frozenset(joined.split(",") if joined else ())
        return found

    def _address(self, a: Row) -> Address:
        return _new_address(a[0], a[1], a[2], a[3], a[4], a[5], a[6], self._set(a[7]), a[8], a[9])

    def contact(self, row: Row, origin: Origin) -> Contact:
        ts = self._set
        size, offset, lineno, has_end = row[17]
        card = _new_card(self._read_raw(size), (), offset, lineno, has_end, True)
        bday, gender = row[11], row[12]
        return _new_contact(
            row[0], row[1], _new_name(*row[2]), row[3], row[4], row[5], row[6],
            tuple([_new_phone(p[0], ts(p[1]), p[2], p[3]) for p in row[7]]),
            tuple([_new_email(e[0], ts(e[1]), e[2], e[3]) for e in row[8]]),
            tuple(row[9]),
            tuple([self._address(a) for a in row[10]]) if row[10] else (),
            None if bday is None else _new_birthday(*bday),
            None if gender is None else _new_gender(*gender),
            tuple(row[13]), row[14], row[15], row[16], card, origin, row[18],
        )


def encode_warning(w: ParseWarning) -> Row:
    return [w.source, w.line, w.message]


def decode_warning(row: Row) -> ParseWarning:
    return ParseWarning(str(row[0]), int(row[1]), str(row[2]))
