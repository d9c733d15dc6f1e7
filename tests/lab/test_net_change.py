"""The local address changes under a registered phone with a call in progress: it
registers again from the new address and re-INVITEs the call, and audio goes on."""

from __future__ import annotations

import time

import pjsua2  # noqa: F401 - a hard dependency: missing, the lab must fail, not skip
import pytest

from tests.lab.engine_harness import eventually
from tests.lab.net_phone import far_account, registered, two_way_rtp
from tuiphone.model.account import RegState
from tuiphone.model.call import CallState
from tuiphone.model.events import NetworkChanged, RegistrationChanged

pytestmark = [pytest.mark.lab, pytest.mark.pjsua]


async def test_new_address_registers_again_and_the_call_follows(
    netlab, kamailio_factory, baresip_factory, phone_factory
):
    far = netlab.far()
    kam = kamailio_factory(host=far, address=far.v4)
    baresip_factory(None, "carol", host=far, registrar=(kam.host, kam.port))
    phone = await phone_factory(far_account(kam, "alice"))
    watch = await registered(phone, "alice")
    call = await phone.call(kam.aor("carol"))
    await watch.call_state(call.id, CallState.CONNECTED)
    before = await two_way_rtp(phone, call.id)

    started = time.monotonic()
    new = netlab.renumber_root_side(far)
    changed = await watch.wait(lambda e: isinstance(e, NetworkChanged), timeout_s=10)
    assert changed.route.local_address == new
    assert changed.route.reason == "address changed"
    again = await watch.wait(
        lambda e: isinstance(e, RegistrationChanged)
        and e.account.reg_state is RegState.REGISTERED and f"@{new}:" in e.account.contact,
        timeout_s=10,
    )
    assert again.account.code == 200
    assert time.monotonic() - started < 5.0  # the target, from change to 200 OK
    assert f"src={new}:" in kam.log_text()
    # The re-INVITE told carol our new media address: audio keeps coming.
    after = await eventually(
        lambda: phone.call_stats(call.id),
        lambda s: s.rx_packets >= before.rx_packets + 100, timeout_s=15,
    )
    assert after.local_rtp.startswith(f"{new}:")
    assert (await phone.call_stats(call.id)).rx_packets > after.rx_packets - 1
    await phone.hangup(call.id)


async def test_home_address_deleted_then_a_new_one_added(
    netlab, kamailio_factory, rtpengine_factory, phone_factory
):
    """Behind NAT, as the issue puts it: the home address goes away (nothing routes:
    "no route"), then another one comes (the phone registers again from it)."""
    far = netlab.far()
    nat = netlab.nat(far)
    relay = rtpengine_factory(far)
    kam = kamailio_factory(host=far, nat=True, rtpengine=relay.ng_sock)
    # The whole test runs inside home: route lookups happen on this thread.
    with nat.home.entered():
        phone = await phone_factory(far_account(kam, "alice"))
        watch = await registered(phone, "alice")
        home = nat.home
        home.run(["ip", "addr", "del", "192.168.77.2/24", "dev", "rtr0"])
        lost = await watch.wait(lambda e: isinstance(e, NetworkChanged), timeout_s=10)
        assert lost.route.reason == "no route", lost
        assert lost.route.local_address == ""
        home.run(["ip", "addr", "add", "192.168.77.3/24", "dev", "rtr0"])
        home.run(["ip", "route", "add", "default", "via", "192.168.77.1"])
        back = await watch.wait(
            lambda e: isinstance(e, NetworkChanged) and e.route.local_address == "192.168.77.3",
            timeout_s=10,
        )
        assert back.route.reason == "address changed"
        await watch.wait(
            lambda e: isinstance(e, RegistrationChanged)
            and e.account.reg_state is RegState.REGISTERED and e.account.code == 200,
            timeout_s=15,
        )
        assert "LAB-REQ REGISTER" in kam.log_text()
