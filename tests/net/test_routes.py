"""The kernel's choice of local address towards a destination."""

from __future__ import annotations

from pathlib import Path

import pytest

from tuiphone.net import routes
from tuiphone.net.routes import has_family, local_address_for


def test_loopback_routes_from_loopback() -> None:
    assert local_address_for("127.0.0.1") == "127.0.0.1"


def test_not_a_literal_has_no_route() -> None:
    assert local_address_for("pbx.example.com") is None


def test_ipv4_is_available() -> None:
    assert has_family(4)


def test_default_address_without_a_v6_default_route_reads_the_interfaces(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(routes, "local_address_for", lambda _address: None)
    table = tmp_path / "if_inet6"
    table.write_text(
        "fe8000000000000000fc00fffe000001 04 40 20 80     eth0\n"
        "00000000000000000000000000000001 01 80 10 80       lo\n"
        "20010db8000000000000000000000002 04 40 00 82     eth0\n")
    assert routes.default_address(6, str(table)) == "2001:db8::2"
    table.write_text("fe8000000000000000fc00fffe000001 04 40 20 80     eth0\n")
    assert routes.default_address(6, str(table)) == "::1"  # link-local only: loopback
    assert routes.default_address(6, str(tmp_path / "missing")) == "::1"
    assert routes.default_address(4, str(table)) is None  # IPv4: pjlib's own way


def test_default_address_follows_the_default_route(monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[str] = []
    monkeypatch.setattr(routes, "local_address_for",
                        lambda address: asked.append(address) or "198.18.0.5")
    assert routes.default_address(4) == "198.18.0.5"
    assert asked == ["1.1.1.1"]
