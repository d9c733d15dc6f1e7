"""TLS to a far server found by host name: the certificate is checked against that name
(from ca_file, or the system trust store with nothing configured), and the handshake
carries it as SNI, as the server's own log shows."""

from __future__ import annotations

from dataclasses import replace

import pjsua2  # noqa: F401 - a hard dependency: missing, the lab must fail, not skip
import pytest

from tests.conftest import need_binary
from tests.lab.engine_harness import Watch
from tests.lab.net.dnsmasq import Zone
from tests.lab.net_phone import registered
from tests.support.systrust import bundle_has, trusted
from tuiphone.model.account import AccountConfig, RegState
from tuiphone.model.backend import BackendSettings

pytestmark = [pytest.mark.lab, pytest.mark.pjsua]
NAME = "sip.lab.test"


@pytest.fixture
def tls_server(netlab, kamailio_factory, dnsmasq_factory):
    """Kamailio with a lab-CA certificate for sip.lab.test, and dnsmasq naming it."""
    far = netlab.far()
    kam = kamailio_factory(host=far, address=far.v4, tls=True, tls_names=[NAME],
                           aliases=["lab.test"])
    zone = Zone("lab.test").host("sip", far.v4).host("other", far.v4)
    dns = dnsmasq_factory(far, zone, address=far.extra_address())
    return kam, BackendSettings(nameservers=(dns.address,))


def tls_account(kam, **kwargs) -> AccountConfig:
    return AccountConfig(id="alice", uri="sip:alice@lab.test",
                         registrar=f"sip:{NAME}:{kam.tls_port};transport=tls",
                         username="alice", **kwargs)


async def test_tls_by_host_name_sends_sni(tls_server, phone_factory):
    kam, settings = tls_server
    phone = await phone_factory(tls_account(kam, ca_file=str(kam.ca_path)), backend=settings)
    await registered(phone, "alice")
    assert kam.tls_server_names()  # requests came over TLS...
    assert set(kam.tls_server_names()) == {NAME}  # ...each with the name we verified


async def test_a_name_the_certificate_does_not_cover_is_refused(tls_server, phone_factory):
    kam, settings = tls_server
    other = replace(tls_account(kam, ca_file=str(kam.ca_path)),
                    registrar=f"sip:other.lab.test:{kam.tls_port};transport=tls")
    phone = await phone_factory(other, backend=settings)
    state = await Watch(phone).settled(phone, "alice")
    assert state.reg_state is RegState.FAILED
    assert "certificate" in state.reason.lower()


async def test_system_trust_store_without_ca_file(tls_server, phone_factory):
    tool = need_binary("update-ca-certificates")
    kam, settings = tls_server
    assert kam.ca_path is not None
    with trusted(kam.ca_path, tool):
        phone = await phone_factory(tls_account(kam), backend=settings)
        await registered(phone, "alice")
        await phone.stop()
    assert not bundle_has(kam.ca_path)
    assert set(kam.tls_server_names()) == {NAME}
