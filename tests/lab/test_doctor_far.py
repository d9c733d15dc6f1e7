"""``tuiphone doctor`` against a far host (a network namespace over a veth): the
registrar found through SRV at dnsmasq, STUN at coturn; then behind a NAT router."""

from __future__ import annotations

import pjsua2  # noqa: F401 - a hard dependency: missing, the lab must fail, not skip
import pytest

from tests.lab.kamailio import USERS
from tests.lab.net.dnsmasq import Zone
from tests.lab.test_doctor_lab import by_check, doctor, write_config

pytestmark = [pytest.mark.lab, pytest.mark.pjsua]
DOMAIN = "lab.test"


@pytest.fixture
def far_setup(netlab, kamailio_factory, dnsmasq_factory, coturn_factory):
    far = netlab.far()
    kam = kamailio_factory(host=far, address=far.v4, aliases=[DOMAIN])
    zone = Zone(DOMAIN).host("sip1", far.v4).srv("_sip._udp", "sip1", kam.port, 10, 50)
    dns = dnsmasq_factory(far, zone, address=far.extra_address())
    turn = coturn_factory(far)
    return netlab, far, kam, dns, turn


def _config(tmp_path, dns, turn):
    engine = (f'nameservers = ["{dns.address}"]\n'
              f'stun_servers = ["{turn.address}:{turn.port}"]\n')
    return write_config(tmp_path, f"sip:{DOMAIN}", engine=engine, domain=DOMAIN)


def test_all_ok_on_a_far_host(far_setup, tmp_path):
    _, far, kam, dns, turn = far_setup
    run = doctor(_config(tmp_path, dns, turn), password=USERS["alice"])
    checks = by_check(run)
    assert run.code == 0, (run.out, run.err)
    assert all(r["status"] == "ok" for r in checks.values()), run.out
    assert f"udp:{far.v4}:{kam.port}" in checks["dns"]["detail"]  # from the SRV record
    assert "127.0.0.1" not in checks["route"]["detail"]  # the veth, not loopback or eth0
    assert "no NAT" in checks["stun"]["detail"]
    assert "200 OK" in checks["register"]["detail"]


def test_behind_a_nat_router_stun_names_the_nat(far_setup, tmp_path):
    netlab, far, _, dns, turn = far_setup
    nat = netlab.nat(far)
    with nat.home.entered():  # the doctor's process starts inside the home namespace
        run = doctor(_config(tmp_path, dns, turn), password=USERS["alice"])
    checks = by_check(run)
    assert run.code == 0, (run.out, run.err)
    assert "behind a NAT" in checks["stun"]["detail"]
    assert nat.router.public_address in checks["stun"]["detail"]
    assert checks["register"]["status"] == "ok"
