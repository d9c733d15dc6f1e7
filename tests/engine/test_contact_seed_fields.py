"""Nickname, title, gender and postal addresses, from an editor's ContactFields to the
vCard and back: each round-trips, and what the user left alone stays byte-identical."""

from __future__ import annotations

import pytest

from tests.contacts import corpus
from tests.contacts.test_roundtrip import changed_lines, one
from tuiphone.contacts.contact import Origin
from tuiphone.contacts.editing import apply_edit, new_card
from tuiphone.contacts.reader import parse_bytes
from tuiphone.engine.contact_data import contact_details
from tuiphone.engine.contact_fields import edit_from_fields, gender_value
from tuiphone.model.contact import ContactFields
from tuiphone.model.errors import UsageError
from tuiphone.model.postal import parse_postal_line, postal_line


def _edited(data: bytes, fields: ContactFields) -> bytes:
    contact = one(data)
    before = ContactFields.of(contact_details(contact))
    changes = fields.changed_from(before)
    return apply_edit(contact.card, edit_from_fields(changes, contact)).raw


@pytest.mark.parametrize("data", [corpus.APPLE, corpus.V4, corpus.V21_QP, corpus.ANDROID])
def test_the_seed_fields_as_shown_change_nothing(data: bytes) -> None:
    contact = one(data)
    shown = ContactFields.of(contact_details(contact))
    fields = ContactFields(nickname=shown.nickname, title=shown.title, gender=shown.gender,
                           addresses=shown.addresses)
    assert apply_edit(contact.card, edit_from_fields(fields, contact)).raw == contact.card.raw


def test_apple_address_with_its_label_is_kept_while_another_is_added() -> None:
    contact = one(corpus.APPLE)
    (line,) = ContactFields.of(contact_details(contact)).addresses or ()
    assert line == "home: 1 Infinite Loop; Cupertino; CA; 95014; USA"
    after = _edited(corpus.APPLE, ContactFields(
        addresses=(line, "work: 1 Apple Park Way; Cupertino; CA; 95014; USA"),
        nickname="Johnny", title="Engineer"))
    assert sorted(changed_lines(contact.card.raw, after)) == [
        "+ ADR;TYPE=work:;;1 Apple Park Way;Cupertino;CA;95014;USA",
        "+ NICKNAME:Johnny", "+ TITLE:Engineer"]
    again = contact_details(one(after))
    assert again.addresses[0].country_code == "US"  # item3.X-ABADR still applies
    assert [a.types for a in again.addresses] == [("home",), ("work",)]
    assert (again.nickname, again.title) == ("Johnny", "Engineer")


def test_gender_and_an_address_are_changed_in_place() -> None:
    contact = one(corpus.V4)
    after = _edited(corpus.V4, ContactFields(gender="O non-binary", addresses=(
        "PO Box 12; Flat 3; 12 St James's Sq; London; ; SW1Y 4LB; UK",)))
    again = contact_details(one(after))
    assert again.gender == "O non-binary"
    assert again.addresses[0].parts == (
        "PO Box 12", "Flat 3", "12 St James's Sq", "London", "", "SW1Y 4LB", "UK")
    assert "GENDER:O;non-binary" in after.decode()
    assert contact.fn == one(after).fn


def test_a_new_card_carries_every_seed_field() -> None:
    fields = ContactFields(fn="Zoe Zed", nickname="Z", title="Dr", gender="words only",
                           addresses=("home: 5 Main St; Town; ; 1000; Nowhere",))
    raw = new_card(edit_from_fields(fields), uid="z-1")
    (contact,) = parse_bytes(raw, Origin("t", "z.vcf")).contacts
    details = contact_details(contact)
    assert (details.nickname, details.title, details.gender) == ("Z", "Dr", "words only")
    assert details.addresses[0].lines == ("5 Main St", "1000 Town", "Nowhere")
    assert ContactFields.of(details).addresses == ("home: 5 Main St; Town; ; 1000; Nowhere",)


@pytest.mark.parametrize(("text", "value"), [
    ("F", "F"), ("f she/her", "F;she/her"), ("O  non-binary", "O;non-binary"),
    ("agender", ";agender"), ("", ""), ("X", ";X"),
])
def test_gender_values(text: str, value: str) -> None:
    assert gender_value(text) == value


@pytest.mark.parametrize("line", [
    "1 Elm St; Springfield; ; 12345; USA", "home,work: a; b; c; d; e",
    "PO 1; ext; street; city; region; code; country", "c/o: Someone; Town",
])
def test_postal_lines_round_trip(line: str) -> None:
    parts, types = parse_postal_line(line)
    assert parse_postal_line(postal_line(parts, types)) == (parts, types)


@pytest.mark.parametrize("line", ["a; b; c; d; e; f", " ; ; "])
def test_bad_postal_lines_are_one_clear_error(line: str) -> None:
    with pytest.raises(UsageError, match="address"):
        edit_from_fields(ContactFields(addresses=(line,)))
