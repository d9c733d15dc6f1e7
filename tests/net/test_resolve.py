"""RFC 3263 resolution without DNS: literals, ports, ordering by family and SRV weight.

NAPTR and SRV against a real name server are lab tests (tests/lab/test_net_dns.py).
"""

from __future__ import annotations

from collections import Counter

import pytest

from tuiphone.model.network import Hop, IpVersion
from tuiphone.net import resolve
from tuiphone.net.resolve import Resolver


@pytest.fixture
def offline() -> Resolver:
    return Resolver(())


def test_literal_defaults_to_udp_5060(offline: Resolver) -> None:
    assert offline.hops("sip:198.18.0.2") == [Hop("udp", "198.18.0.2", 5060, "198.18.0.2")]


def test_sips_literal_is_tls_5061(offline: Resolver) -> None:
    assert offline.hops("sips:[2001:db8::2]") == [
        Hop("tls", "2001:db8::2", 5061, "2001:db8::2")]


def test_account_transport_and_uri_param(offline: Resolver) -> None:
    assert offline.hops("sip:198.18.0.2", "tcp")[0].transport == "tcp"
    assert offline.hops("sip:198.18.0.2;transport=tls", "udp")[0] == Hop(
        "tls", "198.18.0.2", 5061, "198.18.0.2")


def test_localhost_resolves_through_the_system(offline: Resolver) -> None:
    hops = offline.hops("sip:localhost:5070", version=IpVersion.IPV4)
    assert hops
    assert {(h.address, h.port) for h in hops} == {("127.0.0.1", 5070)}


def test_unknown_name_raises(offline: Resolver) -> None:
    with pytest.raises(resolve.ResolveError, match="does not resolve"):
        offline.hops("sip:nothing.invalid:5060")


def test_family_order() -> None:
    hops = [Hop("udp", "2001:db8::2", 5060, "a"), Hop("udp", "198.18.0.2", 5060, "a"),
            Hop("udp", "198.18.0.3", 5060, "b")]
    assert [h.address for h in resolve._ordered(hops, IpVersion.AUTO)] == [
        "198.18.0.2", "2001:db8::2", "198.18.0.3"]
    assert [h.address for h in resolve._ordered(hops, IpVersion.PREFER_IPV6)] == [
        "2001:db8::2", "198.18.0.2", "198.18.0.3"]
    assert [h.family for h in resolve._ordered(hops, IpVersion.IPV6)] == [6]


def test_srv_priority_first_then_weight() -> None:
    records = [resolve._Srv(20, 0, 5060, "backup"), resolve._Srv(10, 90, 5060, "heavy"),
               resolve._Srv(10, 10, 5060, "light")]
    firsts = Counter(resolve._srv_order(records)[0].target for _ in range(400))
    assert set(firsts) == {"heavy", "light"}
    assert firsts["heavy"] > firsts["light"] * 3  # 90:10 by weight
    assert all(resolve._srv_order(records)[-1].target == "backup" for _ in range(20))
