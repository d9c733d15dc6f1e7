"""Turn a parsed Card into a Contact.

Extraction works on ``(Head, value)`` pairs: a ``Head`` is what a property's
group, name and parameters say (its TYPE set, PREF, ...), worked out once per
distinct head and shared by every card that has the same one, so a book of
thousands of cards computes ``TEL;TYPE=cell`` once. ``to_contact`` makes the
pairs from a Card's properties; the plain-file fast path (``quickread``) makes
them straight from the bytes. Both end in ``contact_from``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import NamedTuple

from tuiphone.contacts.contact import Contact, Origin
from tuiphone.contacts.countries import country_code
from tuiphone.contacts.fields import Address, Birthday, Email, Gender, Name, Phone
from tuiphone.contacts.persist.fastnew import maker
from tuiphone.contacts.vcard.card import Card
from tuiphone.contacts.vcard.prop import LAZY, Params, Property
from tuiphone.contacts.vcard.text import split_escaped, unescape

_APPLE_LABEL = re.compile(r"^_\$!<(.*)>!\$_$")
_DATE = re.compile(r"^(\d{4}|--)-?(\d{2})-?(\d{2})")
_HEAD_CACHE_MAX = 4096  # distinct heads remembered; a hostile file cannot grow it further
_HEAD_KEY_MAX = 300  # longest head remembered (as repr)

# Some ten frozen objects per contact: see ``persist.fastnew`` (same objects, half the cost).
_new_contact, _new_card = maker(Contact), maker(Card)
_new_phone, _new_email, _new_name = maker(Phone), maker(Email), maker(Name)
_new_address = maker(Address)


class Head(NamedTuple):
    """A property's group, name and parameters as extraction needs them."""

    group: str  # lower case ('' if none): the key of Apple labels and countries
    name: str  # upper case
    types: frozenset[str]  # TYPE values, lower case, without "pref"
    pref: bool  # TYPE=pref or a PREF parameter
    sip_service: bool  # X-SERVICE-TYPE=sip (IMPP)
    lazy: bool  # a binary blob (PHOTO...): its value is not read at load time


Pair = tuple[Head, str]  # a head and the property's (escaped) value
_HEADS: dict[tuple[str, str, Params], Head] = {}


def head_of(group: str, name: str, params: Params) -> Head:
    """The (shared) Head of a property with this group, name and parameters."""
    key = (group, name, params)
    head = _HEADS.get(key)
    if head is None:
        head = _make_head(group, name, params)
        if len(repr(key)) > _HEAD_KEY_MAX:
            return head  # odd and long: not worth keeping
        if len(_HEADS) >= _HEAD_CACHE_MAX:
            _HEADS.clear()
        _HEADS[key] = head
    return head


def _make_head(group: str, name: str, params: Params) -> Head:
    prop = Property(group, name, params, "", 0, 0, 0)
    types = prop.types
    service = any(s.lower() == "sip" for s in prop.param("X-SERVICE-TYPE"))
    return Head(
        group.lower(), name, types - {"pref"}, "pref" in types or bool(prop.param("PREF")),
        service, name in LAZY,
    )


def pairs_of(props: Sequence[Property]) -> list[Pair]:
    return [(head_of(p.group, p.name, p.params), p.value) for p in props]


def _labels(pairs: Sequence[Pair]) -> dict[str, str]:
    out: dict[str, str] = {}
    for head, value in pairs:
        if head.group and head.name == "X-ABLABEL":
            text = unescape(value)
            match = _APPLE_LABEL.match(text)
            out[head.group] = match.group(1) if match else text
    return out


def card_labels(card: Card) -> dict[str, str]:
    """Apple ``itemN.X-ABLabel`` labels by group (lower case)."""
    return _labels(pairs_of(card.props))


def _sip_uri(value: str) -> str | None:
    value = value.strip()
    scheme, colon, rest = value.partition(":")
    if colon and scheme.lower() in ("sip", "sips") and rest:
        return f"{scheme.lower()}:{rest}"
    return None


def _phone(head: Head, value: str, labels: dict[str, str]) -> Phone | str:
    value = unescape(value).strip()
    if value[:4].lower() == "tel:":
        value = value[4:]
    if ":" in value:
        sip = _sip_uri(value)
        if sip:
            return sip
    label = labels.get(head.group, "") if head.group else ""
    return _new_phone(value, head.types, label, head.pref)


def phone_item(prop: Property, labels: dict[str, str]) -> Phone | str:
    """A TEL as a Phone, or a ``sip:`` URI when it holds one."""
    return _phone(head_of(prop.group, prop.name, prop.params), prop.value, labels)


def _impp(head: Head, value: str) -> str | None:
    sip = _sip_uri(unescape(value))
    if sip:
        return sip
    if head.sip_service and value.strip():
        return "sip:" + unescape(value).strip().split(":", 1)[-1]
    return None


def impp_sip(prop: Property) -> str | None:
    return _impp(head_of(prop.group, prop.name, prop.params), prop.value)


def x_sip(prop: Property) -> str:
    return _x_sip(prop.value)


def _x_sip(value: str) -> str:
    value = unescape(value).strip()
    return _sip_uri(value) or "sip:" + value


def _countries(pairs: Sequence[Pair]) -> dict[str, str]:
    """Apple's ``itemN.X-ABADR:de`` country codes by group."""
    return {
        head.group: unescape(value).strip().upper()
        for head, value in pairs
        if head.group and head.name == "X-ABADR" and len(value.strip()) == 2
    }


def _address(head: Head, value: str, labels: dict[str, str], countries: dict[str, str]) -> Address:
    p = (split_escaped(value, ";") + [""] * 7)[:7]
    group = head.group
    label = labels.get(group, "") if group else ""
    code = countries.get(group, "") if group else ""
    code = code or country_code(p[6])
    return _new_address(p[0], p[1], p[2], p[3], p[4], p[5], p[6], head.types, label, code)


def _birthday(value: str) -> Birthday:
    text = unescape(value).strip()
    match = _DATE.match(text)
    if not match:
        return Birthday(text)
    year = None if match.group(1) == "--" else int(match.group(1))
    month, day = int(match.group(2)), int(match.group(3))
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return Birthday(text)
    return Birthday(text, year, month, day)


def _gender(value: str) -> Gender:
    parts = split_escaped(value, ";")
    if len(parts) == 1 and ";" in parts[0]:
        parts = parts[0].split(";", 1)  # Radicale escapes the separator: F\;she/her
    sex = parts[0].strip().upper()[:1]
    return Gender(sex, parts[1].strip() if len(parts) > 1 else "")


def _name(value: str) -> Name:
    if not value:
        return _new_name("", "", "", "", "")
    parts = [p.replace(",", " ").strip() for p in split_escaped(value, ";")]
    return _new_name(*(parts + [""] * 5)[:5])


def _display(fn: str, name: Name, org: str, phones: list[Phone], emails: list[Email]) -> str:
    if fn:  # stripped already
        return fn
    for candidate in (name.display(), org):
        if candidate.strip():
            return candidate.strip()
    if emails:
        return emails[0].address
    return phones[0].number if phones else "(no name)"


def _email(head: Head, value: str, labels: dict[str, str]) -> Email:
    label = labels.get(head.group, "") if head.group else ""
    address = unescape(value).strip()
    if address[:7].lower() == "mailto:":
        address = address[7:]
    return _new_email(address, head.types, label, head.pref)


_LISTED = frozenset({"TEL", "EMAIL", "IMPP", "X-SIP", "X-SIP-URI", "ADR", "CATEGORIES"})


def _text(value: str) -> str:
    return unescape(value).strip() if value else ""


def to_contact(card: Card, origin: Origin) -> Contact:
    """Extract every field we use. Never raises on odd values."""
    slim = _new_card(card.raw, (), card.offset, card.lineno, card.has_end, True)
    contact = contact_from(pairs_of(card.props), slim, origin)
    if contact is None:  # cannot be: nothing was asked of it
        raise AssertionError("contact_from declined a card without being asked to")
    return contact


def contact_from(
    pairs: Sequence[Pair], card: Card, origin: Origin, useful: frozenset[str] = frozenset()
) -> Contact | None:
    """The Contact of a card's properties (``card`` is kept as it is: slim it first);
    None if ``useful`` names properties and the card has none of them."""
    first: dict[str, str] = {}
    grouped = False
    listed: list[Pair] = []
    for pair in pairs:
        head = pair[0]
        if head.name not in first:
            first[head.name] = pair[1]
        if head.group:
            grouped = True
        if head.name in _LISTED:
            listed.append(pair)
    if useful and useful.isdisjoint(first):
        return None
    labels = _labels(pairs) if grouped else {}
    countries = _countries(pairs) if grouped else {}
    phones: list[Phone] = []
    sips: list[str] = []
    emails: list[Email] = []
    addresses: list[Address] = []
    categories: list[str] = []
    for head, value in listed:
        kind = head.name
        if kind == "TEL":
            item = _phone(head, value, labels)
            (sips.append(item) if isinstance(item, str) else phones.append(item))
        elif kind == "EMAIL":
            emails.append(_email(head, value, labels))
        elif kind == "IMPP":
            sip = _impp(head, value)
            if sip:
                sips.append(sip)
        elif kind == "ADR":
            addresses.append(_address(head, value, labels, countries))
        elif kind == "CATEGORIES":
            categories += [c.strip() for c in split_escaped(value, ",") if c.strip()]
        else:  # X-SIP, X-SIP-URI
            sips.append(_x_sip(value))
    get = first.get
    name = _name(get("N", ""))
    fn = _text(get("FN", ""))
    org = get("ORG", "")
    if org:
        org = ", ".join(p.strip() for p in split_escaped(org, ";") if p.strip())
    bday, gender = get("BDAY", ""), get("GENDER", "")
    return _new_contact(
        _text(get("UID", "")),  # uid
        _display(fn, name, org, phones, emails),
        name,
        fn,
        _text(get("NICKNAME", "")),
        org,
        _text(get("TITLE", "")),
        tuple(phones),
        tuple(emails),
        tuple(dict.fromkeys(sips)) if len(sips) > 1 else tuple(sips),
        tuple(addresses),
        _birthday(bday) if bday.strip() else None,
        _gender(gender) if gender.strip() else None,
        tuple(categories),
        _text(get("NOTE", "")),
        _text(get("REV", "")),
        get("VERSION", "").strip(),
        card,
        origin,
        "PHOTO" in first,
    )
