"""RFC 3263 against a real name server (dnsmasq on the far host): NAPTR picks the
transport, SRV the servers in order, and a server that stops answering makes the next
REGISTER go to the next SRV target."""

from __future__ import annotations

import pjsua2  # noqa: F401 - a hard dependency: missing, the lab must fail, not skip
import pytest

from tests.lab.net.dnsmasq import Zone
from tests.lab.net_phone import registered
from tuiphone.model.account import AccountConfig, RegState
from tuiphone.model.backend import BackendSettings
from tuiphone.model.events import NetworkChanged, RegistrationChanged

pytestmark = [pytest.mark.lab, pytest.mark.pjsua]
DOMAIN = "lab.test"


def domain_account(user: str) -> AccountConfig:
    """An account at a SIP domain, as providers hand them out: no host, no port. A short
    registration, so the refresh that meets the dead server comes soon."""
    return AccountConfig(id=user, uri=f"sip:{user}@{DOMAIN}", registrar=f"sip:{DOMAIN}",
                         username=user, register_expires=8)


@pytest.fixture
def two_servers(netlab, kamailio_factory, dnsmasq_factory):
    """Two Kamailio instances on two far addresses, SRV priorities 10 and 20 for UDP,
    a NAPTR record that offers UDP only, and dnsmasq answering for lab.test."""
    far = netlab.far()
    second = far.extra_address()
    kam1 = kamailio_factory(host=far, address=far.v4, aliases=[DOMAIN])
    kam2 = kamailio_factory(host=far, address=second, aliases=[DOMAIN])
    zone = (
        Zone(DOMAIN)
        .host("sip1", far.v4)
        .host("sip2", second)
        .srv("_sip._udp", "sip1", kam1.port, 10, 50)
        .srv("_sip._udp", "sip2", kam2.port, 20, 50)
        .naptr(10, 50, "SIP+D2U", "_sip._udp")
    )
    dns = dnsmasq_factory(far, zone, address=far.extra_address())
    return kam1, kam2, dns


async def test_naptr_and_srv_lead_to_the_first_server(two_servers, phone_factory):
    kam1, kam2, dns = two_servers
    phone = await phone_factory(domain_account("alice"),
                                backend=BackendSettings(nameservers=(dns.address,)))
    await registered(phone, "alice")
    (route,) = phone.state().routes
    assert route.server == f"{kam1.host}:{kam1.port}/udp"
    assert kam1.count_requests("REGISTER", "alice") >= 1
    assert kam2.count_requests("REGISTER", "alice") == 0
    asked = dns.queries()
    assert ("NAPTR", DOMAIN) in asked
    assert ("SRV", f"_sip._udp.{DOMAIN}") in asked


async def test_a_dead_first_server_moves_the_next_register_to_the_second(two_servers,
                                                                         phone_factory):
    kam1, kam2, dns = two_servers
    phone = await phone_factory(domain_account("alice"),
                                backend=BackendSettings(nameservers=(dns.address,)))
    watch = await registered(phone, "alice")
    kam1.stop()
    # The refresh goes to sip1 and gets no answer (pjsip's 32 s transaction timer).
    failover = await watch.wait(lambda e: isinstance(e, NetworkChanged), timeout_s=90)
    assert failover.route.reason == "failover"
    assert failover.route.server == f"{kam2.host}:{kam2.port}/udp"
    await watch.wait(
        lambda e: isinstance(e, RegistrationChanged)
        and e.account.reg_state is RegState.REGISTERED, timeout_s=30,
    )
    assert kam2.count_requests("REGISTER", "alice") >= 1
