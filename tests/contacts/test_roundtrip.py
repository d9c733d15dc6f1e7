"""Writing back: unedited cards are byte-identical; an edit changes only its lines."""

from __future__ import annotations

import difflib

import pytest

from tests.contacts import corpus
from tuiphone.contacts.contact import Contact, Origin
from tuiphone.contacts.editing import ContactEdit, apply_edit, ensure_uid, new_card
from tuiphone.contacts.fields import Email, Phone
from tuiphone.contacts.reader import parse_bytes

CASES = [
    corpus.FOLD_IN_UTF8,
    corpus.LATIN1,
    corpus.V21_QP,
    corpus.APPLE,
    corpus.V4,
    corpus.LF_BOM_GARBAGE,
    corpus.ANDROID,
    corpus.CR_ONLY,
]


def one(data: bytes) -> Contact:
    (contact,) = parse_bytes(data, Origin("t", "t.vcf")).contacts
    return contact


def changed_lines(before: bytes, after: bytes) -> list[str]:
    diff = difflib.ndiff(
        before.decode("latin-1").splitlines(), after.decode("latin-1").splitlines()
    )
    return [d for d in diff if d[:1] in "+-"]


@pytest.mark.parametrize("data", CASES)
def test_unedited_card_is_byte_identical(data: bytes) -> None:
    contact = one(data)
    start = contact.card.offset
    assert data[start : start + len(contact.card.raw)] == contact.card.raw
    assert apply_edit(contact.card, ContactEdit()) is contact.card


@pytest.mark.parametrize("data", CASES)
def test_setting_the_same_values_changes_nothing(data: bytes) -> None:
    c = one(data)
    edit = ContactEdit(fn=c.fn or None, phones=c.phones, emails=c.emails, sips=c.sips)
    assert apply_edit(c.card, edit).raw == c.card.raw


def test_edit_fn_changes_only_that_line_and_keeps_unknowns() -> None:
    c = one(corpus.V4)
    edited = apply_edit(c.card, ContactEdit(fn="Augusta Ada King"))
    assert changed_lines(c.card.raw, edited.raw) == [
        "- FN:Dr. Ada Lovelace",
        "+ FN:Augusta Ada King",
    ]
    assert b"X-CUSTOM;X-PARAM=keep:unknown property\r\n" in edited.raw
    assert b"PHOTO:data:image/png;base64," in edited.raw


def test_changing_one_apple_number_keeps_its_group_label() -> None:
    c = one(corpus.APPLE)
    edited = apply_edit(c.card, ContactEdit(phones=(Phone("(415) 555-9999"),)))
    assert changed_lines(c.card.raw, edited.raw) == [
        "- item1.TEL;type=pref:(415) 555-0123",
        "+ item1.TEL:(415) 555-9999",
    ]
    contact = parse_bytes(edited.raw, Origin("t", "t.vcf")).contacts[0]
    assert contact.phones[0].label == "Mobile"


def test_adding_and_removing_entries() -> None:
    c = one(corpus.V21_QP)
    keep = c.phones[0]
    edited = apply_edit(
        c.card,
        ContactEdit(phones=(keep,), emails=(Email("j@example.de", frozenset({"work"})),)),
    )
    assert changed_lines(c.card.raw, edited.raw) == [
        "- TEL;HOME;VOICE:030 7654321",
        "+ EMAIL;TYPE=work:j@example.de",
    ]
    assert edited.raw.endswith(b"EMAIL;TYPE=work:j@example.de\r\nEND:VCARD\r\n")


def test_new_sip_address_uses_x_sip_in_v21_and_impp_otherwise() -> None:
    v21 = apply_edit(one(corpus.ANDROID).card, ContactEdit(sips=("sip:new@x.org",)))
    assert b"X-SIP:sip:new@x.org\n" in v21.raw
    assert b"andy@sip" not in v21.raw
    v3 = apply_edit(one(corpus.LATIN1).card, ContactEdit(sips=("new@x.org",)))
    assert b"IMPP:sip:new@x.org\r\n" in v3.raw


def test_edit_of_a_card_without_end_adds_end() -> None:
    c = one(corpus.TRUNCATED)
    edited = apply_edit(c.card, ContactEdit(fn="Complete"))
    assert edited.raw.endswith(b"TEL:+14155550100\r\nEND:VCARD\r\n")
    assert edited.has_end


def test_long_utf8_values_fold_on_character_boundaries() -> None:
    c = one(corpus.V4)
    name = "Ä" * 100
    edited = apply_edit(c.card, ContactEdit(fn=name))
    assert all(len(line) <= 75 for line in edited.raw.split(b"\r\n"))
    for line in edited.raw.split(b"\r\n"):
        line.decode("utf-8")  # a split sequence would raise here
    assert one(edited.raw).fn == name


def test_values_are_escaped_and_read_back() -> None:
    c = one(corpus.V4)
    edited = apply_edit(c.card, ContactEdit(note="a;b,c\\d\nnext"))
    assert b"NOTE:a\\;b\\,c\\\\d\\nnext\r\n" in edited.raw
    assert one(edited.raw).note == "a;b,c\\d\nnext"


def test_new_card_round_trips() -> None:
    data = new_card(
        ContactEdit(fn="New Person", phones=(Phone("+1 212 555 0100", frozenset({"cell"})),)),
        uid="abc-1",
    )
    c = one(data)
    assert (c.uid, c.display_name, c.version) == ("abc-1", "New Person", "3.0")
    assert c.phones[0].types == frozenset({"cell"})


def test_ensure_uid_adds_one_only_when_missing() -> None:
    card = one(corpus.LATIN1).card
    with_uid, uid = ensure_uid(card)
    assert uid
    assert f"UID:{uid}".encode() in with_uid.raw
    assert ensure_uid(with_uid) == (with_uid, uid)


@pytest.mark.parametrize(
    ("data", "form"),
    [
        (corpus.V4, b"PHOTO:data:image/jpeg;base64,"),
        (corpus.APPLE, b"PHOTO;ENCODING=b;TYPE=JPEG:"),
        (corpus.V21_QP, b"PHOTO;ENCODING=BASE64;TYPE=JPEG:"),
    ],
)
def test_setting_a_photo_replaces_only_the_photo_lines(data: bytes, form: bytes) -> None:
    c = one(data)
    picture = bytes(range(256)) * 3
    edited = apply_edit(c.card, ContactEdit(photo=("image/jpeg", picture)))
    assert form in edited.raw
    again = one(edited.raw)
    assert again.photo() == ("image/jpeg", picture)
    card = c.card.parsed()
    for prop in card.props:
        if prop.name != "PHOTO":
            assert card.raw[prop.start : prop.end] in edited.raw
    assert apply_edit(edited, ContactEdit(photo=("image/jpeg", picture))) is edited


def test_removing_and_adding_a_photo() -> None:
    c = one(corpus.APPLE)
    bare = apply_edit(c.card, ContactEdit(photo=("", b"")))
    assert b"PHOTO" not in bare.raw
    assert one(bare.raw).photo() is None
    added = apply_edit(bare, ContactEdit(photo=("image/png", b"\x89PNG")))
    assert added.raw.endswith(b"PHOTO;ENCODING=b;TYPE=PNG:iVBORw==\r\nEND:VCARD\r\n")
    assert new_card(ContactEdit(fn="P", photo=("image/png", b"\x89PNG"))).count(b"PHOTO") == 1
