"""Every awkward real-world case loads with the expected fields."""

from __future__ import annotations

import base64

from tests.contacts import corpus
from tuiphone.contacts.contact import Contact, Origin
from tuiphone.contacts.reader import ReadResult, parse_bytes


def load(data: bytes) -> ReadResult:
    return parse_bytes(data, Origin("test", "cards.vcf"))


def one(data: bytes) -> Contact:
    result = load(data)
    assert len(result.contacts) == 1, result.warnings
    return result.contacts[0]


def test_fold_inside_utf8_sequence_decodes() -> None:
    assert one(corpus.FOLD_IN_UTF8).display_name == "Jürgen Schmidt"


def test_latin1_file_falls_back_per_line() -> None:
    c = one(corpus.LATIN1)
    assert c.display_name == "Zoë Müller"
    assert c.name.given == "Zoë"


def test_truncated_file_keeps_the_card_and_warns() -> None:
    result = load(corpus.TRUNCATED)
    assert [c.display_name for c in result.contacts] == ["Cut Off"]
    assert result.contacts[0].phones[0].number == "+14155550100"
    assert [(w.source, w.line) for w in result.warnings] == [("cards.vcf", 1)]
    assert "END:VCARD" in str(result.warnings[0])


def test_missing_end_on_first_card_keeps_both() -> None:
    result = load(corpus.MISSING_END_FIRST)
    assert [c.display_name for c in result.contacts] == ["First", "Second"]
    assert result.contacts[0].phones[0].number == "111 222 3333"


def test_v21_quoted_printable_bare_params_and_base64_photo() -> None:
    c = one(corpus.V21_QP)
    assert c.display_name == "Jürgen Müller"
    assert (c.name.family, c.name.given) == ("Müller", "Jürgen")
    cell, home = c.phones
    assert cell.number == "+49 170 1234567"
    assert cell.pref
    assert "cell" in cell.types
    assert home.types == frozenset({"home", "voice"})
    assert c.photo() == ("image/jpeg", base64.b64decode(corpus.JPEG))


def test_apple_groups_labels_impp_and_address() -> None:
    c = one(corpus.APPLE)
    assert c.org == "Apple, Engineering"
    assert c.phones[0].label == "Mobile"
    assert c.phones[0].pref
    assert c.phones[0].kind == "Mobile"
    assert c.emails[0].address == "johnny@example.com"
    assert c.emails[0].label == "Private"
    assert c.sips == ("sip:johnny@PBX.Example.com",)
    adr = c.addresses[0]
    assert (adr.street, adr.locality, adr.code, adr.country) == (
        "1 Infinite Loop",
        "Cupertino",
        "95014",
        "USA",
    )
    assert "home" in adr.types
    assert c.photo() == ("image/jpeg", base64.b64decode(corpus.JPEG))


def test_v4_tel_uri_gender_partial_birthday_data_photo() -> None:
    c = one(corpus.V4)
    assert c.uid == "urn:uuid:4fbe8971-0bc3-424c-9c26-36c3e1eff6b1"
    assert c.display_name == "Dr. Ada Lovelace"
    assert c.name.prefix == "Dr."
    assert c.phones[0].number == "+44-20-7946-0018"
    assert c.phones[0].types == frozenset({"cell", "voice"})
    assert c.gender is not None
    assert (c.gender.sex, c.gender.identity) == ("F", "she/her")
    assert c.birthday is not None
    assert (c.birthday.year, c.birthday.month, c.birthday.day) == (
        None,
        12,
        10,
    )
    assert c.rev == "20240101T120000Z"
    assert c.categories == ("friends", "math,logic")
    assert c.photo() == ("image/png", base64.b64decode(corpus.PNG))
    assert c.version == "4.0"


def test_lf_bom_lowercase_and_garbage() -> None:
    c = one(corpus.LF_BOM_GARBAGE)
    assert c.display_name == "Lower Case"
    assert c.phones[0].types == frozenset({"work"})


def test_no_fn_no_version_bad_escape() -> None:
    c = one(corpus.NO_FN)
    assert c.display_name == "Nina Nofn"
    assert c.note == "bad \\x escape and \n newline"


def test_android_x_sip_and_long_line() -> None:
    c = one(corpus.ANDROID)
    assert c.sips == ("sip:andy@sip.example.net",)
    assert c.note.count("long") == 40


def test_truncated_base64_photo_is_none_not_an_error() -> None:
    c = one(corpus.BAD_PHOTO)
    assert c.has_photo
    assert c.photo() is None


def test_url_photo_is_not_fetched_and_tel_sip_is_a_sip_address() -> None:
    c = one(corpus.URL_PHOTO)
    assert c.photo() == ("url", "https://example.com/p.jpg")
    assert c.sips == ("sip:remote@example.com",)
    assert c.phones == ()


def test_radicale_escaped_gender() -> None:
    c = one(corpus.RADICALE_GENDER)
    assert c.gender is not None
    assert (c.gender.sex, c.gender.identity) == ("F", "she/her")


def test_cr_only_line_endings() -> None:
    c = one(corpus.CR_ONLY)
    assert c.display_name == "Old Mac"
    assert c.phones[0].number == "555 123 4567"


def test_empty_card_is_skipped_with_file_and_line() -> None:
    result = load(corpus.APPLE + corpus.EMPTY_CARD + corpus.V4)
    assert len(result.contacts) == 2
    (warning,) = result.warnings
    assert warning.source == "cards.vcf"
    assert warning.line == corpus.APPLE.count(b"\n") + 1
    assert "skipped" in warning.message


def test_all_cases_in_one_file_lose_nothing() -> None:
    cases = [
        corpus.FOLD_IN_UTF8,
        corpus.LATIN1,
        corpus.V21_QP,
        corpus.APPLE,
        corpus.V4,
        corpus.LF_BOM_GARBAGE,
        corpus.NO_FN,
        corpus.ANDROID,
        corpus.BAD_PHOTO,
        corpus.URL_PHOTO,
        corpus.MISSING_END_FIRST,
        corpus.TRUNCATED,
    ]
    result = load(b"".join(cases))
    assert len(result.contacts) == len(cases) + 1


def test_a_dangling_soft_line_break_never_swallows_begin_or_end() -> None:
    broken = b"BEGIN:VCARD\r\nFN;ENCODING=QUOTED-PRINTABLE:Half=\r\nEND:VCARD\r\n"
    result = load(b";ENCODING=QUOTED-PRINTABLE:x=\r\n" + corpus.V4 + broken)
    assert [c.display_name for c in result.contacts] == ["Dr. Ada Lovelace", "Half"]
    assert result.warnings == []


def test_outlook_quoted_printable_in_windows_1252() -> None:
    data = (
        b"BEGIN:VCARD\r\nVERSION:2.1\r\n"
        b"N;LANGUAGE=de;CHARSET=Windows-1252;ENCODING=QUOTED-PRINTABLE:M=FCller;J=FCrgen\r\n"
        b"FN;CHARSET=Windows-1252;ENCODING=QUOTED-PRINTABLE:J=FCrgen M=FCller=0D=0A\r\n"
        b"TEL;WORK;VOICE:+49 (30) 1234-567\r\n"
        b"EMAIL;PREF;INTERNET:jm@example.de\r\nEND:VCARD\r\n"
    )
    c = one(data)
    assert c.display_name == "Jürgen Müller"
    assert (c.name.family, c.name.given) == ("Müller", "Jürgen")
    assert c.phones[0].types == frozenset({"work", "voice"})
    assert c.emails[0].pref


def test_google_and_nextcloud_styles() -> None:
    data = (
        b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:G User\r\nN:User;G;;;\r\n"
        b'TEL;TYPE="HOME,VOICE":+1 650-253-0000\r\n'
        b"item1.EMAIL;TYPE=INTERNET:g@example.com\r\nitem1.X-ABLabel:Custom\r\n"
        b"CATEGORIES:myContacts,Starred in Android\r\nEND:VCARD\r\n"
    )
    c = one(data)
    assert c.phones[0].types == frozenset({"home", "voice"})
    assert c.emails[0].label == "Custom"
    assert c.categories == ("myContacts", "Starred in Android")
