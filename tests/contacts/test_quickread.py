"""The one-plain-card fast path gives exactly the tolerant reader's contact, or declines."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.contacts import corpus
from tests.contacts.test_fuzz import _JUNK, FUZZ
from tuiphone.contacts.contact import Origin
from tuiphone.contacts.editing import ContactEdit, apply_edit
from tuiphone.contacts.filecache import FileCache
from tuiphone.contacts.quickread import quick_contact
from tuiphone.contacts.reader import ReadResult, parse_bytes, parse_tolerant

ORIGIN = Origin("home", "/books/home/a.vcf")
SAMPLES = [v for k, v in vars(corpus).items() if k.isupper() and isinstance(v, bytes)]
PHOTO = base64.b64encode(bytes(range(256)) * 12).decode()


def _folded(line: str, nl: str = "\r\n") -> str:
    return line[:75] + "".join(f"{nl} " + line[j : j + 74] for j in range(75, len(line), 74))


def card(*lines: str, nl: str = "\r\n") -> bytes:
    body = ["BEGIN:VCARD", "VERSION:3.0", *lines, "END:VCARD"]
    return (nl.join(body) + nl).encode("utf-8")


PLAIN = card(
    "UID:card-1", "FN:Jürgen Müller", "N:Müller;Jürgen;;Dr.;", "ORG:ACME\\; Inc;Sales",
    "TEL;TYPE=cell:(415) 555-0100", "TEL;TYPE=work,voice;TYPE=pref:+49 30 1234567",
    "TEL:sip:jm@pbx.example.org", "EMAIL;TYPE=INTERNET:mailto:j@example.org",
    "IMPP:sip:jm@pbx.example.org", "IMPP;X-SERVICE-TYPE=SIP:jm2@pbx.example.org",
    "X-SIP:jm3@pbx.example.org", "item1.TEL:030 999", "item1.X-ABLabel:_$!<Mobile>!$_",
    "item2.ADR:;;Hauptstr. 1;Berlin;;10115;", "item2.X-ABADR:de", "CATEGORIES:a,b\\,c, ,d",
    "BDAY:--0517", "GENDER:F\\;she/her", "NICKNAME:Jü", "TITLE:Boss", "NOTE:line\\nnext",
    "REV:2024-01-01", _folded(f"PHOTO;ENCODING=b;TYPE=JPEG:{PHOTO}"),
    _folded("NOTE:a very long note that is folded " * 4), "X-UNKNOWN;FOO=bar:kept",
)


def _agrees(data: bytes) -> bool:
    """True when the fast path took ``data`` (and agreed), False when it declined."""
    quick = quick_contact(data, ORIGIN)
    slow = parse_tolerant(data, ORIGIN)
    if quick is not None:
        assert (slow.contacts, slow.warnings) == ([quick], [])
    assert parse_bytes(data, ORIGIN) == slow
    return quick is not None


def test_a_plain_card_takes_the_fast_path_and_loses_nothing() -> None:
    for data in (PLAIN, PLAIN.replace(b"\r\n", b"\n")):
        assert _agrees(data)
        contact = quick_contact(data, ORIGIN)
        assert contact is not None
        assert contact.card.raw == data  # byte for byte: unknown properties kept
        assert [p.name for p in contact.card.parsed().props][-1] == "X-UNKNOWN"
        assert contact.photo() == ("image/jpeg", bytes(range(256)) * 12)  # decoded on demand
        assert [p.label for p in contact.phones] == ["", "", "Mobile"]
        assert contact.addresses[0].country_code == "DE"
        assert contact.sips == (
            "sip:jm@pbx.example.org", "sip:jm2@pbx.example.org", "sip:jm3@pbx.example.org"
        )
        edited = apply_edit(contact.card, ContactEdit(fn="Other"))
        assert b"X-UNKNOWN;FOO=bar:kept" in edited.raw


@pytest.mark.parametrize("data", SAMPLES)
def test_corpus_cards_agree(data: bytes) -> None:
    for variant in (data, data.replace(b"\r\n", b"\n"), b"\r\n" + data, data.rstrip()):
        _agrees(variant)


@pytest.mark.parametrize(
    "data",
    [
        PLAIN + PLAIN,  # two cards
        PLAIN[: -len(b"END:VCARD\r\n")],  # no END
        PLAIN.replace(b"FN:", b"FN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:=4A", 1),
        PLAIN.replace(b"TEL;TYPE=cell", b'TEL;TYPE="cell,voice"'),  # quotes in the head
        PLAIN.replace(b"ORG:ACME", b"ORG:\xe9ACME"),  # not UTF-8
        PLAIN.replace(b"\r\nTITLE", b"\nTITLE"),  # mixed line endings
        PLAIN.replace(b"\r\nTITLE", b"\rTITLE"),
        PLAIN.replace(b"TITLE:Boss", b"TITLE:Boss\r\n"),  # a blank line
        PLAIN.replace(b"TITLE:Boss", b"TITLE:Boss\r\nEND:VCARD"),  # END inside
        PLAIN.replace(b"TITLE:Boss", b"TITLE:Boss\r\nb egin:vcard"),  # BEGIN to _keyword
        PLAIN.replace(b"TITLE:Boss", b"garbage without colon"),
        PLAIN.replace(b"TITLE:", b"TI\r\n TLE:"),  # a fold inside the head
        PLAIN.replace(b"TITLE:", "TÍTLE:".encode()),  # non-ASCII head
        b"\xef\xbb\xbf" + PLAIN,  # BOM
        PLAIN.lower(),
        card("VERSION:4.0", "NOTE:only a note"),  # nothing useful: the reader warns
    ],
)
def test_odd_files_take_the_tolerant_path(data: bytes) -> None:
    assert quick_contact(data, ORIGIN) is None
    assert parse_bytes(data, ORIGIN) == parse_tolerant(data, ORIGIN)


def test_a_card_with_nothing_useful_still_gets_its_warning() -> None:
    result = parse_bytes(card("NOTE:only a note"), ORIGIN)
    assert result.contacts == []
    assert [w.message for w in result.warnings] == ["card skipped: no name, number or address"]


def test_long_and_many_heads_do_not_grow_the_caches_without_bound() -> None:
    from tuiphone.contacts import extract, quickread

    for i in range(5000):
        _agrees(card("FN:x", f"X-{i};P={'v' * (i % 400)}:y"))
    assert len(quickread._HEADS) <= quickread._CACHE_MAX
    assert len(extract._HEADS) <= extract._HEAD_CACHE_MAX
    assert all(len(k) <= quickread._KEY_MAX for k in quickread._HEADS)


_LINES = st.sampled_from(
    [
        "FN:Ada", "FN:", "N:Lovelace;Ada;;;", "N:a\\;b;c", "ORG:Org;Unit", "TEL:+1 415 555 0100",
        "TEL;TYPE=cell:030 1234", "TEL;TYPE=CELL;PREF=1:tel:+4930123", "TEL;type=pref:1",
        "TEL:sip:a@b", "item1.TEL:1", "item1.X-ABLabel:_$!<Home>!$_", "item1.X-ABLabel:Work",
        "item2.ADR:;;St;City;;1;Germany", "item2.X-ABADR:DE", "ADR;TYPE=home:;;a;b;c;d;France",
        "EMAIL:a@b", "EMAIL;TYPE=work:mailto:x@y", "IMPP:sip:u@h", "IMPP:xmpp:u@h",
        "IMPP;X-SERVICE-TYPE=Sip:u@h", "X-SIP:u@h", "X-SIP-URI:sips:u@h", "UID:u1",
        "CATEGORIES:a,b", "BDAY:1990-02-30", "BDAY:--0517", "GENDER:M", "GENDER:;x",
        "NICKNAME:n\\,m", "NOTE:\\n", "REV:1", "TITLE: t ", "VERSION:4.0", "X-Y;A=1;A=2:z",
        "PHOTO:data:image/png;base64,iVBOR\r\n w0", "PHOTO;ENCODING=b:QUJD\r\n RA==",
        "LOGO:http://x/y", "FN:J\r\n ürgen", "FN:\xfc", "g.h.TEL:2", "BAD NAME:x", ";:x",
        " TEL:1", "TEL :2", "TEL;;TYPE=x:3", "TEL;X:4", "TEL;ENCODING=b:5",
    ]
)


@FUZZ
@given(st.lists(_LINES, max_size=12), st.sampled_from(["\r\n", "\n"]))
def test_random_plain_cards_agree(lines: list[str], nl: str) -> None:
    _agrees(card(*[line.replace("\r\n", nl) for line in lines], nl=nl))


@FUZZ
@given(_JUNK)
def test_random_bytes_agree(data: bytes) -> None:
    _agrees(data)
    _agrees(b"BEGIN:VCARD\r\n" + data + b"\r\nEND:VCARD\r\n")


def test_read_result_of_the_fast_path_is_plain() -> None:
    result = parse_bytes(PLAIN, ORIGIN)
    assert isinstance(result, ReadResult)
    assert (len(result.contacts), result.warnings, result.rows) == (1, [], [])


def test_unreadable_entries_are_warnings_and_big_files_read_whole(tmp_path: Path) -> None:
    from tuiphone.contacts.vdir import read_vdir

    (tmp_path / "dir.vcf").mkdir()
    (tmp_path / "gone.vcf").symlink_to(tmp_path / "nowhere")
    many = b"".join(card(f"FN:Person {i}", f"NOTE:{'x' * 200}") for i in range(6000))
    assert len(many) > 1 << 20  # more than the chunk read after the first read
    (tmp_path / "many.vcf").write_bytes(many)
    for cache in (None, FileCache()):
        result = read_vdir(tmp_path, "home", cache)
        assert len(result.contacts) == 6000
        assert result.contacts[-1].fn == "Person 5999"
        assert sorted(w.message for w in result.warnings) == [
            "cannot read: Is a directory", "cannot read: No such file or directory"
        ]
