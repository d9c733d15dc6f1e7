"""Hypothesis: arbitrary bytes never crash the reader, and a good card survives garbage."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from tests.contacts import corpus
from tests.support.fuzz import fuzz
from tuiphone.contacts.contact import Origin
from tuiphone.contacts.editing import ContactEdit, apply_edit
from tuiphone.contacts.reader import parse_bytes

FUZZ = fuzz(150)

_PIECES = st.sampled_from(
    [
        b"BEGIN:VCARD",
        b"END:VCARD",
        b"VERSION:4.0",
        b"FN:",
        b"TEL;TYPE=",
        b"PHOTO;ENCODING=b:",
        b"PHOTO:data:",
        b"item1.",
        b";ENCODING=QUOTED-PRINTABLE:",
        b"=",
        b'"',
        b"\\",
        b":",
        b";",
        b"\r\n",
        b"\n",
        b"\r",
        b"\r\n ",
        b"\xc3",
        b"\xff",
        b",",
    ]
)
_JUNK = st.lists(st.one_of(_PIECES, st.binary(max_size=12)), max_size=40).map(b"".join)


def _exercise(data: bytes) -> None:
    result = parse_bytes(data, Origin("fuzz", "fuzz.vcf"))
    for contact in result.contacts:
        contact.photo()
        assert contact.card.raw
        apply_edit(contact.card, ContactEdit(fn="x"))


@FUZZ
@given(_JUNK)
def test_random_bytes_never_raise(data: bytes) -> None:
    _exercise(data)


@FUZZ
@given(_JUNK, _JUNK)
def test_a_good_card_next_to_garbage_still_loads(before: bytes, after: bytes) -> None:
    data = before + b"\r\n" + corpus.V4 + after
    result = parse_bytes(data, Origin("fuzz", "fuzz.vcf"))
    names = [c.display_name for c in result.contacts]
    assert "Dr. Ada Lovelace" in names
    ada = next(c for c in result.contacts if c.display_name == "Dr. Ada Lovelace")
    assert ada.phones[0].number == "+44-20-7946-0018"
    _exercise(data)


@FUZZ
@given(st.sampled_from([corpus.V4, corpus.APPLE, corpus.V21_QP, corpus.LATIN1]), st.text())
def test_any_edited_name_reads_back_and_other_lines_stay(data: bytes, name: str) -> None:
    (contact,) = parse_bytes(data, Origin("fuzz", "f.vcf")).contacts
    edited = apply_edit(contact.card, ContactEdit(fn=name))
    (again,) = parse_bytes(edited.raw, Origin("fuzz", "f.vcf")).contacts
    assert again.fn == name.replace("\r\n", "\n").replace("\r", "\n").strip()
    card = contact.card.parsed()
    kept = [card.raw[p.start : p.end] for p in card.props if p.name != "FN"]
    assert all(span in edited.raw for span in kept)
