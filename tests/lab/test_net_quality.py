"""What lossy and one-way networks do to a call's figures: 10 % loss on the far host
raises the reported loss to what was dropped and lowers the MOS; RTP dropped towards
the phone only raises a MediaProblem."""

from __future__ import annotations

import pjsua2  # noqa: F401 - a hard dependency: missing, the lab must fail, not skip
import pytest

from tests.lab.engine_harness import eventually
from tests.lab.net_phone import far_account, registered, two_way_rtp
from tuiphone.model.call import CallState
from tuiphone.model.events import MediaProblem

pytestmark = [pytest.mark.lab, pytest.mark.pjsua]
RTP_PORTS = (4000, 4999)  # pjsua's RTP ports start at 4000; SIP uses an ephemeral port
PACKETS = 600  # 12 s of 20 ms packets: enough for the loss figure to settle


@pytest.fixture
async def setup(netlab, kamailio_factory, baresip_factory, phone_factory):
    far = netlab.far()
    kam = kamailio_factory(host=far, address=far.v4)
    baresip_factory(None, "carol", host=far, registrar=(kam.host, kam.port))
    phone = await phone_factory(far_account(kam, "alice"))
    watch = await registered(phone, "alice")
    return far, netlab.uplink(far).root_v4, kam, phone, watch


async def call_for(phone, watch, kam, packets):
    call = await phone.call(kam.aor("carol"))
    await watch.call_state(call.id, CallState.CONNECTED)
    stats = await eventually(lambda: phone.call_stats(call.id),
                             lambda s: s.rx_packets + s.rx_lost >= packets, timeout_s=40)
    await phone.hangup(call.id)
    await watch.call_state(call.id, CallState.ENDED)
    return stats


async def test_ten_percent_loss_is_reported_and_lowers_the_mos(setup):
    far, root_side, kam, phone, watch = setup
    clean = await call_for(phone, watch, kam, PACKETS)
    rule = far.drop_udp(10, direction="out", dst=root_side, dport_range=RTP_PORTS)
    lossy = await call_for(phone, watch, kam, PACKETS)
    dropped = rule.dropped()
    rule.remove()
    sent = lossy.rx_packets + lossy.rx_lost
    reported = 100 * lossy.rx_lost / sent
    actual = 100 * dropped / sent
    assert 5 <= actual <= 15  # nft's numgen did drop about a tenth
    assert abs(reported - actual) <= 3, (reported, actual)
    assert clean.rx_lost == 0
    assert clean.mos is not None
    assert lossy.mos is not None
    assert lossy.mos < clean.mos - 0.5


async def test_rtp_dropped_towards_the_phone_raises_a_media_problem(setup):
    far, root_side, kam, phone, watch = setup
    far.drop_udp(100, direction="out", dst=root_side, dport_range=RTP_PORTS)
    call = await phone.call(kam.aor("carol"))
    await watch.call_state(call.id, CallState.CONNECTED)
    problem = await watch.wait(lambda e: isinstance(e, MediaProblem), timeout_s=15)
    assert problem.call_id == call.id
    assert problem.rx_packets == 0
    assert problem.tx_packets > 0
    assert problem.seconds >= 3
    assert problem.cause == "firewall"
    assert f"{root_side}:" in problem.hint
    await phone.hangup(call.id)


async def test_two_way_audio_raises_no_media_problem(setup):
    _far, _root, kam, phone, watch = setup
    call = await phone.call(kam.aor("carol"))
    await watch.call_state(call.id, CallState.CONNECTED)
    await two_way_rtp(phone, call.id, packets=250)  # 5 s: past the 3 s check
    await phone.hangup(call.id)
    await watch.call_state(call.id, CallState.ENDED)
    assert not any(isinstance(e, MediaProblem) for e in watch.seen)
