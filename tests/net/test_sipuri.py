"""SIP URI targets: scheme, host, port and transport, as routing needs them."""

from __future__ import annotations

import pytest

from tuiphone.net.sipuri import hop_uri, ip_literal, parse_target


@pytest.mark.parametrize(
    ("uri", "secure", "host", "port", "transport"),
    [
        ("sip:pbx.example.com", False, "pbx.example.com", 0, ""),
        ("sips:alice@Example.COM:5061", True, "example.com", 5061, ""),
        ("sip:198.18.0.2:5070;lr;transport=TCP", False, "198.18.0.2", 5070, "tcp"),
        ("sip:alice@[2001:db8::1]", False, "2001:db8::1", 0, ""),
        ("sip:[2001:db8::1]:5080;transport=udp", False, "2001:db8::1", 5080, "udp"),
        ('"Bob" <sip:bob@lab.test;transport=tls>', False, "lab.test", 0, "tls"),
    ],
)
def test_parse_target(uri: str, secure: bool, host: str, port: int, transport: str) -> None:
    target = parse_target(uri)
    assert (target.secure, target.host, target.port, target.transport) == (
        secure, host, port, transport)


@pytest.mark.parametrize("uri", ["tel:+15551234", "alice", "sip:", "sip:host:port"])
def test_bad_uris_raise(uri: str) -> None:
    with pytest.raises(ValueError, match="SIP URI|host|port"):
        parse_target(uri)


def test_literals() -> None:
    assert ip_literal("198.18.0.2") == "198.18.0.2"
    assert ip_literal("[2001:DB8::1]") == "2001:db8::1"
    assert ip_literal("pbx.example.com") is None
    assert parse_target("sip:[2001:db8::1]").is_literal
    assert not parse_target("sip:lab.test").is_literal


def test_hop_uri_is_a_loose_route() -> None:
    assert hop_uri("udp", "198.18.0.2", 5060) == "sip:198.18.0.2:5060;lr"
    assert hop_uri("tcp", "2001:db8::2", 5060) == "sip:[2001:db8::2]:5060;lr;transport=tcp"
    assert hop_uri("tls", "sip1.lab.test", 5061) == "sip:sip1.lab.test:5061;lr;transport=tls"
