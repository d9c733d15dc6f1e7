"""An IPv6-only far host: registration, OPTIONS and MESSAGE over IPv6 with no settings.
Calls are refused by an IPv6-only peer: this pjsua2 wheel is built without IPv6 media,
so its offer carries IPv4 only; the phone says so and lives on."""

from __future__ import annotations

import pjsua2  # noqa: F401 - a hard dependency: missing, the lab must fail, not skip
import pytest

from tests.lab.net_phone import far_account, registered
from tests.lab.sipwire import uri_host
from tuiphone.model.call import CallState
from tuiphone.model.events import MessageStatus

pytestmark = [pytest.mark.lab, pytest.mark.pjsua]


@pytest.fixture
def v6(netlab, kamailio_factory):
    far = netlab.far(v4=False, v6=True)
    return far, netlab.uplink(far).root_v6, kamailio_factory(host=far, address=far.v6)


async def test_register_ping_and_message_over_ipv6(v6, phone_factory):
    far, root_side, kam = v6
    phone = await phone_factory(far_account(kam, "alice"))
    watch = await registered(phone, "alice")
    (acc,) = phone.state().accounts
    assert f"@{uri_host(root_side)}:" in acc.contact
    assert phone.state().routes[0].server == f"{uri_host(kam.host)}:{kam.port}/udp"
    assert f"src={root_side}" in kam.log_text()
    assert (await phone.ping(kam.registrar_uri)).code == 200
    sent = await phone.send_message(kam.aor("nobody"), "over v6")
    status = await watch.wait(lambda e: isinstance(e, MessageStatus)
                              and not e.message.delivery.pending)
    assert status.message.id == sent.id
    assert status.message.code == 404  # the far proxy's answer came back over IPv6


async def test_a_call_to_an_ipv6_only_peer_ends_cleanly(v6, baresip_factory, phone_factory):
    far, _root, kam = v6
    baresip_factory(None, "carol", host=far, registrar=(kam.host, kam.port))
    phone = await phone_factory(far_account(kam, "alice"))
    watch = await registered(phone, "alice")
    call = await phone.call(kam.aor("carol"))
    ended = await watch.call_state(call.id, CallState.ENDED)
    assert ended.code == 488  # baresip: "SDP offer AF not available (AF_INET)"
    assert (await phone.ping(kam.registrar_uri)).code == 200  # the engine lives on
