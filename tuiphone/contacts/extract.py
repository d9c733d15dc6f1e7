"""Turn a parsed Card into a Contact."""

from __future__ import annotations

import re

from tuiphone.contacts.contact import Contact, Origin
from tuiphone.contacts.countries import country_code
from tuiphone.contacts.fields import Address, Birthday, Email, Gender, Name, Phone
from tuiphone.contacts.vcard.card import Card
from tuiphone.contacts.vcard.prop import Property
from tuiphone.contacts.vcard.text import split_escaped, unescape

_APPLE_LABEL = re.compile(r"^_\$!<(.*)>!\$_$")
_DATE = re.compile(r"^(\d{4}|--)-?(\d{2})-?(\d{2})")


def card_labels(card: Card) -> dict[str, str]:
    out: dict[str, str] = {}
    for prop in card.props:
        if prop.group and prop.name == "X-ABLABEL":
            text = unescape(prop.value)
            match = _APPLE_LABEL.match(text)
            out[prop.group.lower()] = match.group(1) if match else text
    return out


def _pref(prop: Property) -> bool:
    return "pref" in prop.types or bool(prop.param("PREF"))


def _sip_uri(value: str) -> str | None:
    value = value.strip()
    scheme, colon, rest = value.partition(":")
    if colon and scheme.lower() in ("sip", "sips") and rest:
        return f"{scheme.lower()}:{rest}"
    return None


def phone_item(prop: Property, labels: dict[str, str]) -> Phone | str:
    value = unescape(prop.value).strip()
    if value[:4].lower() == "tel:":
        value = value[4:]
    sip = _sip_uri(value)
    if sip:
        return sip
    label = labels.get(prop.group.lower(), "") if prop.group else ""
    return Phone(value, prop.types - {"pref"}, label, _pref(prop))


def impp_sip(prop: Property) -> str | None:
    sip = _sip_uri(unescape(prop.value))
    if sip:
        return sip
    service = {s.lower() for s in prop.param("X-SERVICE-TYPE")}
    if "sip" in service and prop.value.strip():
        return "sip:" + unescape(prop.value).strip().split(":", 1)[-1]
    return None


def x_sip(prop: Property) -> str:
    value = unescape(prop.value).strip()
    return _sip_uri(value) or "sip:" + value


def card_countries(card: Card) -> dict[str, str]:
    """Apple's ``itemN.X-ABADR:de`` country codes by group."""
    return {
        p.group.lower(): unescape(p.value).strip().upper()
        for p in card.props
        if p.group and p.name == "X-ABADR" and len(p.value.strip()) == 2
    }


def _address(prop: Property, labels: dict[str, str], countries: dict[str, str]) -> Address:
    p = (split_escaped(prop.value, ";") + [""] * 7)[:7]
    group = prop.group.lower()
    label = labels.get(group, "") if group else ""
    code = countries.get(group, "") if group else ""
    code = code or country_code(p[6])
    return Address(p[0], p[1], p[2], p[3], p[4], p[5], p[6], prop.types - {"pref"}, label, code)


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
    parts = [p.replace(",", " ").strip() for p in split_escaped(value, ";")]
    return Name(*(parts + [""] * 5)[:5])


def _display(fn: str, name: Name, org: str, phones: list[Phone], emails: list[Email]) -> str:
    for candidate in (fn, name.display(), org):
        if candidate.strip():
            return candidate.strip()
    if emails:
        return emails[0].address
    return phones[0].number if phones else "(no name)"


def _email(prop: Property, labels: dict[str, str]) -> Email:
    label = labels.get(prop.group.lower(), "") if prop.group else ""
    address = unescape(prop.value).strip()
    if address[:7].lower() == "mailto:":
        address = address[7:]
    return Email(address, prop.types - {"pref"}, label, _pref(prop))


class _Lists:
    """The multi-valued fields, filled in one pass over the properties."""

    def __init__(self, card: Card) -> None:
        self.phones: list[Phone] = []
        self.sips: list[str] = []
        self.emails: list[Email] = []
        self.addresses: list[Address] = []
        self.categories: list[str] = []
        labels = card_labels(card)
        self._countries = card_countries(card)
        for prop in card.props:
            self._add(prop, labels)

    def _add(self, prop: Property, labels: dict[str, str]) -> None:
        kind = prop.name
        if kind == "TEL":
            item = phone_item(prop, labels)
            (self.sips.append(item) if isinstance(item, str) else self.phones.append(item))
        elif kind == "EMAIL":
            self.emails.append(_email(prop, labels))
        elif kind == "IMPP":
            sip = impp_sip(prop)
            if sip:
                self.sips.append(sip)
        elif kind in ("X-SIP", "X-SIP-URI"):
            self.sips.append(x_sip(prop))
        elif kind == "ADR":
            self.addresses.append(_address(prop, labels, self._countries))
        elif kind == "CATEGORIES":
            self.categories += [c.strip() for c in split_escaped(prop.value, ",") if c.strip()]


def _firsts(card: Card) -> dict[str, str]:
    """The raw value of the first property of each name (``Card.first`` for all)."""
    out: dict[str, str] = {}
    for prop in card.props:
        out.setdefault(prop.name, prop.value)
    return out


def to_contact(card: Card, origin: Origin) -> Contact:
    """Extract every field we use. Never raises on odd values."""
    lists = _Lists(card)
    first = _firsts(card)
    get = first.get
    name = _name(get("N", ""))
    fn = unescape(get("FN", "")).strip()
    org = ", ".join(p.strip() for p in split_escaped(get("ORG", ""), ";") if p.strip())
    bday, gender = get("BDAY", ""), get("GENDER", "")
    return Contact(
        uid=unescape(get("UID", "")).strip(),
        display_name=_display(fn, name, org, lists.phones, lists.emails),
        name=name,
        fn=fn,
        nickname=unescape(get("NICKNAME", "")).strip(),
        org=org,
        title=unescape(get("TITLE", "")).strip(),
        phones=tuple(lists.phones),
        emails=tuple(lists.emails),
        sips=tuple(dict.fromkeys(lists.sips)),
        addresses=tuple(lists.addresses),
        birthday=_birthday(bday) if bday.strip() else None,
        gender=_gender(gender) if gender.strip() else None,
        categories=tuple(lists.categories),
        note=unescape(get("NOTE", "")).strip(),
        rev=unescape(get("REV", "")).strip(),
        version=get("VERSION", "").strip(),
        card=card.slimmed(),
        origin=origin,
        has_photo="PHOTO" in first,
    )
