"""Contact values survive JSON and back, in the shapes ``contacts ... --json`` prints."""

from __future__ import annotations

import json

import pytest

from tuiphone.model.codec import from_jsonable, to_jsonable
from tuiphone.model.contact import (
    AddressBook,
    BookKind,
    BookSync,
    ContactDetails,
    ContactFields,
    ContactPhoto,
    ContactSummary,
    PhoneNumber,
    PostalAddress,
)

SUMMARY = ContactSummary(id="a-1", name="Alice", org="W", numbers=("+49 30 1",),
                         sips=("sip:a@h",), emails=("a@x",), book="vdir1", has_photo=True)
DETAILS = ContactDetails(
    id="a-1", name="Alice", numbers=("+49 30 1",), book="vdir1", fn="Alice",
    phones=(PhoneNumber("+49 30 1", "cell"),), email_kinds=("home",),
    addresses=(PostalAddress(("Main St 1", "Berlin"), ("home",), "", "DE"),),
    birthday="--0415", categories=("friends",), uid="a-1", version="3.0", file="/x.vcf",
    writable=True,
)
VALUES = [
    SUMMARY, DETAILS, ContactPhoto.image("image/png", b"\x89PNG"),
    ContactPhoto("url", url="https://x/y.png"),
    AddressBook("work", BookKind.CARDDAV, "https://dav/", 3, "never", True),
    BookSync.done("work", 2, 0, True), BookSync.failed("work", "401 Unauthorized"),
    ContactFields(fn="Bob", phones=("030 1",), photo=ContactPhoto()),
]


@pytest.mark.parametrize("value", VALUES, ids=lambda v: type(v).__name__)
def test_round_trip_through_json(value: object) -> None:
    data = json.loads(json.dumps(to_jsonable(value)))
    assert from_jsonable(type(value), data) == value


def test_summary_keeps_the_json_shape_of_plain_data() -> None:
    assert to_jsonable(SUMMARY) == {
        "id": "a-1", "name": "Alice", "org": "W", "numbers": ["+49 30 1"],
        "sips": ["sip:a@h"], "emails": ["a@x"], "book": "vdir1", "has_photo": True}
    assert list(to_jsonable(DETAILS))[:8] == list(to_jsonable(SUMMARY))  # summary first


def test_sparse_fields_appear_only_when_set() -> None:
    assert "writable" not in to_jsonable(ContactDetails(id="x", name="X"))
    assert to_jsonable(BookSync.done("b", 0, 0, False)) == {
        "book": "b", "ok": True, "fetched": 0, "deleted": 0, "full": False}
    assert to_jsonable(BookSync.failed("b", "boom")) == {"book": "b", "ok": False,
                                                          "error": "boom"}
    assert to_jsonable(ContactPhoto("url", url="u")) == {"mime": "url", "url": "u"}
    assert to_jsonable(ContactFields(note="late")) == {"note": "late"}
    assert to_jsonable(ContactFields(photo=ContactPhoto())) == {"photo": {"mime": ""}}


def test_a_lone_string_where_a_list_belongs_is_a_list_of_one() -> None:
    assert from_jsonable(ContactFields, {"phones": "030 1"}).phones == ("030 1",)


def test_editor_helpers() -> None:
    before = ContactFields.of(DETAILS)
    assert before.phones == ("+49 30 1",)
    assert before.fn == "Alice"
    after = ContactFields(**{**before.given(), "note": "new"})  # type: ignore[arg-type]
    assert after.changed_from(before) == ContactFields(note="new")
    assert ContactFields(fn="A", org="", phones=(), photo=ContactPhoto()).without_blanks() == \
        ContactFields(fn="A")
    assert ContactPhoto.image("image/png", b"abc").decoded() == ("image/png", b"abc")
    assert ContactPhoto("image/png", "x").decoded() == ("", b"")  # bad padding
    assert SUMMARY.dial_targets() == ("sip:a@h", "+49 30 1")
