"""Edit a card by patching only the lines that changed, and build new cards."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from tuiphone.contacts.extract import card_labels, impp_sip, phone_item, x_sip
from tuiphone.contacts.fields import Address, Email, Name, Phone
from tuiphone.contacts.photo import decode_photo, photo_line
from tuiphone.contacts.vcard.card import Card
from tuiphone.contacts.vcard.prop import Property
from tuiphone.contacts.vcard.text import escape, split_escaped, unescape
from tuiphone.contacts.vcard.write import Patch, apply_patch, fold, format_line


@dataclass(frozen=True, slots=True)
class ContactEdit:
    """What to change; None leaves a field alone. Lists replace the whole list, but
    entries equal to existing ones keep their original lines untouched."""

    fn: str | None = None
    name: Name | None = None
    nickname: str | None = None
    title: str | None = None
    org: str | None = None
    note: str | None = None
    birthday: str | None = None
    phones: Sequence[Phone] | None = None
    emails: Sequence[Email] | None = None
    sips: Sequence[str] | None = None
    categories: Sequence[str] | None = None
    gender: str | None = None  # the GENDER value: "F", "O;non-binary", ";free text"
    addresses: Sequence[Address] | None = None
    photo: tuple[str, bytes] | None = None  # (mime, data); ("", b"") removes the photo


def _types(types: frozenset[str], pref: bool) -> list[tuple[str, str]]:
    names = sorted(types | ({"pref"} if pref else set()))
    return [("TYPE", ",".join(names))] if names else []


def _structured(parts: Sequence[str]) -> str:
    return ";".join(escape(p) for p in parts)


def _single_lines(edit: ContactEdit) -> dict[str, str]:
    out: dict[str, str] = {}
    if edit.fn is not None:
        out["FN"] = escape(edit.fn)
    if edit.name is not None:
        n = edit.name
        out["N"] = _structured((n.family, n.given, n.additional, n.prefix, n.suffix))
    if edit.nickname is not None:
        out["NICKNAME"] = escape(edit.nickname)
    if edit.title is not None:
        out["TITLE"] = escape(edit.title)
    if edit.org is not None:
        out["ORG"] = escape(edit.org)
    if edit.note is not None:
        out["NOTE"] = escape(edit.note)
    if edit.birthday is not None:
        out["BDAY"] = edit.birthday
    if edit.categories is not None:
        out["CATEGORIES"] = ",".join(escape(c) for c in edit.categories)
    if edit.gender is not None:
        out["GENDER"] = edit.gender
    return out


def _same_single(prop: Property, value: str) -> bool:
    return split_escaped(prop.value, ";") == split_escaped(value, ";")


class _Planner:
    """Collects replacements and additions for one card."""

    def __init__(self, card: Card) -> None:
        self.card, self.nl = card, card.newline
        self.replace: dict[int, bytes] = {}
        self.add: list[bytes] = []

    def single(self, name: str, value: str) -> None:
        for i, prop in enumerate(self.card.props):
            if prop.name == name:
                if not _same_single(prop, value):
                    self.replace[i] = fold(format_line(name, value, group=prop.group), self.nl)
                return
        if value:
            self.add.append(fold(format_line(name, value), self.nl))

    def multi(self, existing: list[tuple[int, object]], wanted: list[tuple[object, str]]) -> None:
        """``existing`` (index, item) pairs; ``wanted`` (item, new line) pairs."""
        keys = [item for item, _ in wanted]
        stale = [(i, item) for i, item in existing if item not in keys]
        kept = {item for _, item in existing if item in keys}
        fresh = [line for item, line in wanted if item not in kept]
        for (i, _), line in zip(stale, fresh, strict=False):
            group = self.card.props[i].group
            self.replace[i] = fold(f"{group}.{line}" if group else line, self.nl)
        for i, _ in stale[len(fresh) :]:
            self.replace[i] = b""
        self.add.extend(fold(line, self.nl) for line in fresh[len(stale) :])


def _phone_key(p: Phone) -> tuple[str, frozenset[str]]:
    return (p.number, p.types)


def _plan_phones(plan: _Planner, phones: Sequence[Phone]) -> None:
    labels = card_labels(plan.card)
    existing: list[tuple[int, object]] = []
    for i, prop in enumerate(plan.card.props):
        if prop.name == "TEL":
            item = phone_item(prop, labels)
            if isinstance(item, Phone):
                existing.append((i, _phone_key(item)))
    wanted = [
        (_phone_key(p), format_line("TEL", escape(p.number), _types(p.types, p.pref)))
        for p in phones
    ]
    plan.multi(existing, list(wanted))


def _plan_emails(plan: _Planner, emails: Sequence[Email]) -> None:
    existing: list[tuple[int, object]] = [
        (i, unescape(p.value).strip()) for i, p in enumerate(plan.card.props) if p.name == "EMAIL"
    ]
    wanted = [
        (e.address, format_line("EMAIL", escape(e.address), _types(e.types, e.pref)))
        for e in emails
    ]
    plan.multi(existing, list(wanted))


def _sip_of(prop: Property) -> str | None:
    if prop.name == "IMPP":
        return impp_sip(prop)
    if prop.name in ("X-SIP", "X-SIP-URI"):
        return x_sip(prop)
    if prop.name == "TEL":
        item = phone_item(prop, {})
        return item if isinstance(item, str) else None
    return None


def _plan_sips(plan: _Planner, sips: Sequence[str]) -> None:
    existing: list[tuple[int, object]] = []
    for i, prop in enumerate(plan.card.props):
        sip = _sip_of(prop)
        if sip is not None:
            existing.append((i, sip))
    name = "X-SIP" if plan.card.version.startswith("2") else "IMPP"
    uris = [s if ":" in s else "sip:" + s for s in sips]
    plan.multi(existing, [(s, format_line(name, s)) for s in uris])


def _adr_key(a: Address) -> tuple[object, ...]:
    return (*a.parts, a.types)


def _adr_line(a: Address) -> str:
    return format_line("ADR", _structured(a.parts), _types(a.types, False))


def _plan_addresses(plan: _Planner, addresses: Sequence[Address]) -> None:
    existing: list[tuple[int, object]] = []
    for i, prop in enumerate(plan.card.props):
        if prop.name == "ADR":
            adr = Address.of_parts(split_escaped(prop.value, ";"), prop.types - {"pref"})
            existing.append((i, _adr_key(adr)))
    plan.multi(existing, [(_adr_key(a), _adr_line(a)) for a in addresses])


def _plan_photo(plan: _Planner, photo: tuple[str, bytes]) -> None:
    card = plan.card
    found = [(i, p) for i, p in enumerate(card.props) if p.name == "PHOTO"]
    if not photo[1]:
        plan.replace.update((i, b"") for i, _ in found)
        return
    if found and decode_photo(found[0][1], card.value_of(found[0][1])) == photo:
        return
    line = photo_line(photo[0], photo[1], card.version or "3.0")
    if found:
        group = found[0][1].group
        plan.replace[found[0][0]] = fold(f"{group}.{line}" if group else line, plan.nl)
    else:
        plan.add.append(fold(line, plan.nl))


def apply_edit(card: Card, edit: ContactEdit) -> Card:
    """The edited card. Only lines whose value changed are rewritten; new lines go
    just before END. Unknown properties and untouched lines stay byte-identical."""
    original, card = card, card.parsed()
    plan = _Planner(card)
    for name, value in _single_lines(edit).items():
        plan.single(name, value)
    if edit.phones is not None:
        _plan_phones(plan, edit.phones)
    if edit.emails is not None:
        _plan_emails(plan, edit.emails)
    if edit.sips is not None:
        _plan_sips(plan, edit.sips)
    if edit.addresses is not None:
        _plan_addresses(plan, edit.addresses)
    if edit.photo is not None:
        _plan_photo(plan, edit.photo)
    if not plan.replace and not plan.add:
        return original
    return apply_patch(card, Patch(tuple(plan.replace.items()), tuple(plan.add)))


def new_card(edit: ContactEdit, uid: str | None = None) -> bytes:
    """A fresh vCard 3.0 (the version every server keeps intact) with CRLF endings."""
    lines = ["BEGIN:VCARD", "VERSION:3.0", f"UID:{escape(uid or str(uuid.uuid4()))}"]
    body = _single_lines(edit)
    body.setdefault("FN", escape(edit.fn or ""))
    body.setdefault("N", escape(edit.fn or "") + ";;;;")
    lines += [format_line(k, v) for k, v in body.items()]
    for p in edit.phones or ():
        lines.append(format_line("TEL", escape(p.number), _types(p.types, p.pref)))
    for e in edit.emails or ():
        lines.append(format_line("EMAIL", escape(e.address), _types(e.types, e.pref)))
    lines += [format_line("IMPP", s if ":" in s else "sip:" + s) for s in edit.sips or ()]
    lines += [_adr_line(a) for a in edit.addresses or ()]
    if edit.photo is not None and edit.photo[1]:
        lines.append(photo_line(edit.photo[0], edit.photo[1], "3.0"))
    lines.append("END:VCARD")
    return b"".join(fold(line) for line in lines)


def ensure_uid(card: Card) -> tuple[Card, str]:
    """The card with a UID (added if missing) and that UID."""
    original, card = card, card.parsed()
    uid = unescape(card.first("UID")).strip()
    if uid:
        return original, uid
    uid = str(uuid.uuid4())
    return apply_patch(card, Patch(add=(fold(f"UID:{uid}", card.newline),))), uid
