"""The kernel's choice of local address towards a destination."""

from __future__ import annotations

from tuiphone.net.routes import has_family, local_address_for


def test_loopback_routes_from_loopback() -> None:
    assert local_address_for("127.0.0.1") == "127.0.0.1"


def test_not_a_literal_has_no_route() -> None:
    assert local_address_for("pbx.example.com") is None


def test_ipv4_is_available() -> None:
    assert has_family(4)
