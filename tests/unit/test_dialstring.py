"""Dial strings: what the dialpad and ``tuiphone call`` accept, and how bad input is refused."""

from __future__ import annotations

import pytest

from tuiphone.engine.dialstring import DialTarget, parse_dial
from tuiphone.model.errors import InvalidUri, UsageError

DOMAIN = "pbx.example.com"

VALID = [
    # (typed, domain, uri, post_dial, display)
    ("sip:alice@example.com", None, "sip:alice@example.com", "", "alice@example.com"),
    ("SIP:alice@example.com", None, "sip:alice@example.com", "", "alice@example.com"),
    ("sips:bob@example.com:5061", None, "sips:bob@example.com:5061", "", "bob@example.com"),
    (
        "sip:alice@example.com;transport=tcp",
        None,
        "sip:alice@example.com;transport=tcp",
        "",
        "alice@example.com",
    ),
    ("sip:example.com", None, "sip:example.com", "", "example.com"),
    ("sip:10.0.0.5:5062", None, "sip:10.0.0.5:5062", "", "10.0.0.5"),
    ("sip:alice@[::1]:5060", None, "sip:alice@[::1]:5060", "", "alice@[::1]"),
    ("sip:[2001:db8::1]", None, "sip:[2001:db8::1]", "", "[2001:db8::1]"),
    ("sip:alice:s3cret@example.com", None, "sip:alice:s3cret@example.com", "", "alice@example.com"),
    ("sip:a%40b@example.com", None, "sip:a%40b@example.com", "", "a%40b@example.com"),
    (
        "sip:alice@example.com?Subject=hi",
        None,
        "sip:alice@example.com?Subject=hi",
        "",
        "alice@example.com",
    ),
    ("  sip:alice@example.com  ", None, "sip:alice@example.com", "", "alice@example.com"),
    ("alice@example.com", None, "sip:alice@example.com", "", "alice@example.com"),
    ("alice@example.com", DOMAIN, "sip:alice@example.com", "", "alice@example.com"),
    ("bob@127.0.0.1:5070", None, "sip:bob@127.0.0.1:5070", "", "bob@127.0.0.1"),
    ("bob@[fe80::1]", None, "sip:bob@[fe80::1]", "", "bob@[fe80::1]"),
    ("10.0.0.5", None, "sip:10.0.0.5", "", "10.0.0.5"),
    ("[::1]:5060", None, "sip:[::1]:5060", "", "[::1]"),
    ("alice", DOMAIN, "sip:alice@pbx.example.com", "", "alice"),
    ("alice.smith", DOMAIN, "sip:alice.smith@pbx.example.com", "", "alice.smith"),
    ("1000", DOMAIN, "sip:1000@pbx.example.com", "", "1000"),
    ("1000", "10.1.1.1:5070", "sip:1000@10.1.1.1:5070", "", "1000"),
    ("+1 (555) 123-4567", DOMAIN, "sip:+15551234567@pbx.example.com", "", "+15551234567"),
    ("555.123.4567", DOMAIN, "sip:5551234567@pbx.example.com", "", "5551234567"),
    ("1.555.123.4567", DOMAIN, "sip:15551234567@pbx.example.com", "", "15551234567"),
    ("*97#", DOMAIN, "sip:*97%23@pbx.example.com", "", "*97#"),
    (
        "+15551234567,,123#",
        DOMAIN,
        "sip:+15551234567@pbx.example.com",
        ",,123#",
        "+15551234567",
    ),
    ("1000,1234*", DOMAIN, "sip:1000@pbx.example.com", ",1234*", "1000"),
    ("sip:conf@example.com,,42 #", None, "sip:conf@example.com", ",,42#", "conf@example.com"),
    ("1000,abcd", DOMAIN, "sip:1000@pbx.example.com", ",ABCD", "1000"),
    ("tel:+1-555-123-4567", None, "tel:+15551234567", "", "+15551234567"),
    (
        "tel:7042;phone-context=example.com",
        None,
        "tel:7042;phone-context=example.com",
        "",
        "7042",
    ),
    ("Alice <sip:alice@example.com>", None, "sip:alice@example.com", "", "Alice"),
    ('"Bob B." <sips:bob@example.com>', None, "sips:bob@example.com", "", "Bob B."),
    ("<sip:carol@example.com>", None, "sip:carol@example.com", "", "carol@example.com"),
    ("Conf <sip:800@example.com>,,42#", None, "sip:800@example.com", ",,42#", "Conf"),
]


@pytest.mark.parametrize(("typed", "domain", "uri", "post_dial", "display"), VALID)
def test_valid(typed: str, domain: str | None, uri: str, post_dial: str, display: str) -> None:
    assert parse_dial(typed, domain) == DialTarget(uri=uri, post_dial=post_dial, display=display)


INVALID = [
    # (typed, domain, fragment of the message)
    ("", DOMAIN, "nothing to dial"),
    ("   ", DOMAIN, "nothing to dial"),
    ("sip:", None, "nothing after 'sip:'"),
    ("sip:alice@", None, "missing host"),
    ("sip:@example.com", None, "missing user before '@'"),
    ("alice@", None, "missing host"),
    ("sip:alice smith@example.com", None, "spaces are not allowed"),
    ("alice smith", DOMAIN, "spaces are only allowed in phone numbers"),
    ("sip:alice@exa\x07mple.com", None, "control characters"),
    ("sip:a@b@example.com", None, "more than one '@'"),
    ("sip:alice@example.com:0", None, "port must be a number from 1 to 65535"),
    ("sip:alice@example.com:70000", None, "port must be a number from 1 to 65535"),
    ("sip:alice@example.com:abc", None, "port must be a number"),
    ("sip:alice@::1", None, "put IPv6 addresses in brackets"),
    ("sip:alice@[::1", None, "without a closing ']'"),
    ("sip:alice@[zz::1]", None, "is not an IPv6 address"),
    ("sip:alice@[::1]x", None, "unexpected 'x'"),
    ("sip:alice@999.1.1.1", None, "not a valid IPv4 address"),
    ("sip:alice@exa_mple.com", None, "not a valid host name"),
    ("sip:alice@-bad.example.com", None, "not a valid host name"),
    ("sip:al<ice@example.com", None, "contains a character not allowed"),
    ("sip:alice@example.com;;lr", None, "malformed parameter"),
    ("sip:ålice@example.com", None, "non-ASCII"),
    ("http://example.com", None, "unsupported scheme 'http'"),
    ("tel:", None, "needs a number"),
    ("tel:7042", None, "needs ;phone-context"),
    ("tel:+1 555", None, "spaces are not allowed in a tel: URI"),
    ("tel:+15x5", None, "is not a telephone number"),
    ("alice", None, "no domain to dial it in"),
    ("+15551234567", None, "no domain to dial it in"),
    ("1+555", DOMAIN, "a '+' may only start a number"),
    ("1000,12x", DOMAIN, "only DTMF digits"),
    (",,123", DOMAIN, "nothing to dial before the post-dial digits"),
    ("alice/../x?", DOMAIN, "not a number, user or address"),
    ("1000", "bad domain!", "the account's domain 'bad domain!' is not a valid host"),
]


@pytest.mark.parametrize(("typed", "domain", "fragment"), INVALID)
def test_invalid(typed: str, domain: str | None, fragment: str) -> None:
    with pytest.raises(InvalidUri) as info:
        parse_dial(typed, domain)
    assert fragment in str(info.value)


def test_surrounding_newline_is_not_a_control_character() -> None:
    assert parse_dial("1000\n", DOMAIN).uri == "sip:1000@pbx.example.com"


def test_sips_default_scheme_applies_to_bare_input() -> None:
    assert parse_dial("alice", DOMAIN, default_scheme="sips").uri == "sips:alice@pbx.example.com"
    assert parse_dial("sip:a@b.c", DOMAIN, default_scheme="sips").uri == "sip:a@b.c"


def test_unknown_default_scheme_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="default scheme"):
        parse_dial("alice", DOMAIN, default_scheme="http")


def test_error_is_an_invalid_uri_usage_error() -> None:
    with pytest.raises(UsageError):
        parse_dial("sip:alice@", None)
