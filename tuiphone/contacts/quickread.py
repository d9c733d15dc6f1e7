"""A fast path for the common file: one plain card, read straight into a Contact.

Most vdir files (vdirsyncer, khard, Radicale, the generators of every phone)
hold exactly one card: BEGIN:VCARD first, END:VCARD last, one kind of line
ending, UTF-8, ASCII property heads without quotes and no quoted-printable.
For such a file ``quick_contact`` skips what the tolerant reader needs for odd
input: no ``Property`` objects with byte spans (a loaded contact keeps only its
card's bytes), no per-line keyword check, and a binary blob (PHOTO, LOGO...) is
neither unfolded nor decoded, as its value is read only when shown. Each head
(``TEL;TYPE=cell``) is parsed once by the tolerant reader's own
``parse_property`` and remembered, and the fields are extracted by the same
``contact_from``, so the Contact is the one ``parse_bytes`` makes.

Anything else returns None, and the caller takes the tolerant path: that is
where malformed input gets its warning.
"""

from __future__ import annotations

import re

from tuiphone.contacts.contact import Contact, Origin
from tuiphone.contacts.extract import Head, Pair, contact_from, head_of
from tuiphone.contacts.persist.fastnew import maker
from tuiphone.contacts.vcard.card import Card
from tuiphone.contacts.vcard.lines import unfold
from tuiphone.contacts.vcard.prop import parse_property

USEFUL = frozenset({"FN", "N", "ORG", "TEL", "EMAIL", "IMPP", "X-SIP", "UID"})
_SPLIT_CRLF = re.compile(rb"\r\n(?![ \t])")
_SPLIT_LF = re.compile(rb"\n(?![ \t])")
_BEGIN, _END = b"BEGIN:VCARD", b"END:VCARD"
_CACHE_MAX = 4096  # heads remembered (a hostile book cannot make it grow further)
_KEY_MAX = 200  # longest head remembered
_new_card = maker(Card)

# Raw head bytes -> (its Head, whether its value is a lazy blob), or None when a line
# with this head needs the tolerant path.
Known = tuple[Head, bool] | None
_HEADS: dict[bytes, Known] = {}
_UNSEEN: Known = (Head("", "", frozenset(), False, False, False), False)  # not in _HEADS yet


def quick_contact(data: bytes, origin: Origin) -> Contact | None:
    """The contact of ``data`` when it is one plain card, else None (use ``parse_bytes``)."""
    if data.startswith(b"BEGIN:VCARD\r\n"):
        crlf = data.count(b"\r\n")
        if crlf != data.count(b"\r") or crlf != data.count(b"\n"):
            return None
        nl, split = b"\r\n", _SPLIT_CRLF
    elif data.startswith(b"BEGIN:VCARD\n") and b"\r" not in data:
        nl, split = b"\n", _SPLIT_LF
    else:
        return None
    if not data.endswith(nl + _END + nl):
        return None
    chunks = split.split(data)
    if chunks[0] != _BEGIN or chunks[-2] != _END or chunks[-1]:
        return None
    pairs = _pairs(chunks, nl)
    if pairs is None:
        return None
    try:  # None when nothing USEFUL is there: the tolerant path warns about that
        return contact_from(pairs, _new_card(data, (), 0, 1, True, True), origin, USEFUL)
    except Exception:  # noqa: BLE001 - the tolerant path makes the warning for this card
        return None


def _pairs(chunks: list[bytes], nl: bytes) -> list[Pair] | None:
    """(Head, value) of every line between BEGIN and END, or None if one is not plain."""
    pairs: list[Pair] = []
    append, get = pairs.append, _HEADS.get
    for i in range(1, len(chunks) - 2):
        raw, colon, value = chunks[i].partition(b":")
        if not colon:
            return None
        known = get(raw, _UNSEEN)
        if known is _UNSEEN:
            known = _learn(raw)
        if known is None:
            return None
        head, lazy = known
        if lazy:
            append((head, ""))
            continue
        if nl in value:
            value = unfold(value)
        try:
            append((head, value.decode()))
        except UnicodeDecodeError:
            return None
    return pairs


def _learn(raw: bytes) -> Known:
    head = _head(raw)
    if len(raw) > _KEY_MAX:
        return head  # odd and long: not worth keeping
    if len(_HEADS) >= _CACHE_MAX:
        _HEADS.clear()
    _HEADS[raw] = head
    return head


def _head(raw: bytes) -> Known:
    """``raw``'s Head as the tolerant reader parses it; None for anything it treats
    specially: quotes, folds, non-ASCII, quoted-printable, BEGIN/END, garbage."""
    if not raw.isascii() or b'"' in raw or b"\r" in raw or b"\n" in raw:
        return None
    if b"QUOTED-PRINTABLE" in raw.upper():
        return None
    text = raw.decode("ascii")
    if text.strip().upper().replace(" ", "") in ("BEGIN", "END"):
        return None
    prop = parse_property(text + ":", 0, 0, 0)
    if prop is None:
        return None
    head = head_of(prop.group, prop.name, prop.params)
    return head, head.lazy
