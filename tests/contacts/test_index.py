"""Search as you type and caller ID across formats and regions."""

from __future__ import annotations

import pytest

from tuiphone.contacts.contact import Contact, Origin
from tuiphone.contacts.index import ContactIndex
from tuiphone.contacts.numbers import sip_key, to_e164
from tuiphone.contacts.reader import parse_bytes


def card(fn: str, *lines: str) -> bytes:
    body = "".join(f"{line}\r\n" for line in lines)
    return f"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:{fn}\r\n{body}END:VCARD\r\n".encode()


def contacts(*cards: bytes) -> list[Contact]:
    return parse_bytes(b"".join(cards), Origin("t", "t.vcf")).contacts


BOOK = contacts(
    card("Bob Miller", "TEL:(415) 555-0123", "EMAIL:bob@example.com"),
    card("Anna Bobson", "ORG:Acme", "TEL:030 1234567"),
    card("Carol", "ORG:Bobcat Ltd", "IMPP:sip:carol@PBX.example.org", "TEL:020 7946 0018"),
    card("Dieter", "TEL;VALUE=uri:tel:+49-89-123456", "X-SIP:4711@pbx.example.org"),
    card("Office A", "TEL:+1 212 555 0100"),
    card("Office B", "TEL:212-555-0100"),
    card("Reception", "TEL;TYPE=work:47-11"),
)


@pytest.fixture
def us() -> ContactIndex:
    return ContactIndex.build(BOOK, "US")


def names(found: list[Contact]) -> list[str]:
    return [c.display_name for c in found]


def test_search_ranks_name_prefix_then_word_start_then_rest(us: ContactIndex) -> None:
    assert names(us.search("bob")) == ["Bob Miller", "Anna Bobson", "Carol"]


def test_search_by_org_email_sip_and_digits(us: ContactIndex) -> None:
    assert names(us.search("acme")) == ["Anna Bobson"]
    assert names(us.search("bob@exa")) == ["Bob Miller"]
    assert names(us.search("carol@pbx")) == ["Carol"]
    assert names(us.search("4155550")) == ["Bob Miller"]
    assert names(us.search("415-555")) == ["Bob Miller"]


def test_search_narrowing_and_backspace_agree_with_fresh_search(us: ContactIndex) -> None:
    typed = [names(us.search(prefix)) for prefix in ("o", "of", "off", "of", "o")]
    fresh = ContactIndex.build(BOOK, "US")
    assert typed == [names(fresh.search(p)) for p in ("o", "of", "off", "of", "o")]
    assert typed[2] == ["Office A", "Office B"]


def test_search_all_words_must_match_and_limit(us: ContactIndex) -> None:
    assert names(us.search("anna acme")) == ["Anna Bobson"]
    assert us.search("anna zzz") == []
    assert len(us.search("", limit=3)) == 3
    assert len(us.search("o", limit=2)) == 2


@pytest.mark.parametrize(
    "incoming",
    [
        "+14155550123",
        "4155550123",
        "14155550123",
        "0014155550123",
        "(415) 555-0123",
        "tel:+1-415-555-0123",
        '"Bob" <sip:+14155550123@pbx.example.org;user=phone>',
        "<sip:4155550123@10.0.0.1>",
    ],
)
def test_us_caller_id_formats(us: ContactIndex, incoming: str) -> None:
    found = us.lookup(incoming)
    assert found is not None
    assert found.display_name == "Bob Miller"


def test_german_national_number_falls_back_to_suffix_under_us(us: ContactIndex) -> None:
    found = us.lookup("+49301234567")
    assert found is not None
    assert found.display_name == "Anna Bobson"


@pytest.mark.parametrize(
    "incoming", ["+49301234567", "0049301234567", "030 1234567", "(030) 123 4567"]
)
def test_de_region(incoming: str) -> None:
    found = ContactIndex.build(BOOK, "DE").lookup(incoming)
    assert found is not None
    assert found.display_name == "Anna Bobson"


@pytest.mark.parametrize("incoming", ["+442079460018", "020 7946 0018", "00442079460018"])
def test_gb_region(incoming: str) -> None:
    found = ContactIndex.build(BOOK, "GB").lookup(incoming)
    assert found is not None
    assert found.display_name == "Carol"


def test_sip_uri_host_case_insensitive_and_user_as_number(us: ContactIndex) -> None:
    carol = us.lookup("sip:carol@pbx.EXAMPLE.org")
    assert carol is not None
    assert carol.display_name == "Carol"
    dieter = us.lookup("<sip:4711@PBX.example.org>")
    assert dieter is not None
    assert dieter.display_name == "Dieter"
    by_number = us.lookup("sip:+4989123456@other.host")
    assert by_number is not None
    assert by_number.display_name == "Dieter"


def test_address_country_reads_national_numbers_of_contacts_abroad() -> None:
    book = contacts(
        # Too short for the 9-digit suffix fallback: only the ADR hint can find it.
        card("Klaus", "TEL:089 123456", "ADR:;;Marienplatz 1;München;;80331;Deutschland"),
        card(
            "Moira",
            "item1.TEL:020 7946 0999",
            "item2.ADR:;;1 High St;London;;;",
            "item2.X-ABADR:gb",
        ),
    )
    index = ContactIndex.build(book, "US")
    assert ContactIndex.build(book[:1], "US").lookup("+4989123456") is not None
    klaus = index.lookup("+4989123456")
    assert klaus is not None
    assert klaus.display_name == "Klaus"
    assert klaus.addresses[0].country_code == "DE"
    assert book[1].addresses[0].country_code == "GB"


def test_short_pbx_extensions_match_exactly(us: ContactIndex) -> None:
    for incoming in ("4711", "sip:4711@10.0.0.1", "tel:47 11"):
        found = us.lookup(incoming)
        assert found is not None
        assert found.display_name == "Reception", incoming
    assert us.lookup("471") is None


def test_shared_number_returns_all_and_misses_return_none(us: ContactIndex) -> None:
    assert sorted(names(us.lookup_all("+12125550100"))) == ["Office A", "Office B"]
    assert us.lookup("+19995550000") is None
    assert us.lookup("sip:nobody@nowhere") is None
    assert us.lookup("") is None
    assert us.lookup("not a number") is None


def test_local_only_numbers_are_not_normalised() -> None:
    assert to_e164("555-0123", "US") is None
    assert to_e164("(415) 555-0123 ext. 12", "US") == "+14155550123"
    assert to_e164("00 49 30 1234567", "US") == "+49301234567"


def test_sip_key_parsing() -> None:
    assert sip_key('"A" <sips:Alice@Example.COM:5061;transport=tls>') == ("Alice", "example.com")
    assert sip_key("sip:%2B123@[::1]:5060") == ("+123", "[::1]")
    assert sip_key("mailto:a@b") is None
    assert sip_key("sip:host.only") is None


def test_plain_e164_fast_path_and_non_canonical_forms() -> None:
    index = ContactIndex.build(
        contacts(card("London", "TEL:+44 (0)20 7946 0000"), card("Boston", "TEL:617 555 0199")),
        "US",
    )
    to_e164.cache_clear()
    assert index.lookup("<sip:+16175550199@pbx.example.org>").fn == "Boston"  # type: ignore[union-attr]
    # Not a stored key as written (national 0 kept): phonenumbers still reads it.
    assert index.lookup("sip:+4402079460000@pbx").fn == "London"  # type: ignore[union-attr]
    assert index.lookup("+99912345678") is None
