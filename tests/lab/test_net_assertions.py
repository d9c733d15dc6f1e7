"""``call``'s media assertions over a real network: baresip on a far host (a network
namespace), the phone in the root namespace. With RTP towards the phone dropped by
nftables, ``--expect-media two-way`` fails and names why; without, it and
``--expect-tone 880`` (baresip's tone) hold."""

from __future__ import annotations

import pjsua2  # noqa: F401 - a hard dependency: missing, the lab must fail, not skip
import pytest

from tests.lab.net_phone import far_account, registered
from tuiphone.commands.errors import ExpectationFailed
from tuiphone.commands.runner import run_line

pytestmark = [pytest.mark.lab, pytest.mark.pjsua]
RTP_PORTS = (4000, 4999)  # pjsua's RTP ports start at 4000


@pytest.fixture
async def setup(netlab, kamailio_factory, baresip_factory, phone_factory):
    far = netlab.far()
    kam = kamailio_factory(host=far, address=far.v4)
    baresip_factory(None, "carol", host=far, registrar=(kam.host, kam.port), tone_hz=880.0)
    phone = await phone_factory(far_account(kam, "alice"))
    await registered(phone, "alice")
    return far, netlab.uplink(far).root_v4, kam, phone


async def test_two_way_and_the_far_tone_hold(setup):
    _far, _root, kam, phone = setup
    rep = await run_line(phone, f"call {kam.aor('carol')} --expect-media two-way "
                                "--expect-tone 880:10 --max-loss 2")
    assert {a["name"]: a["ok"] for a in rep["assertions"]} == {
        "expect_media": True, "max_loss": True, "expect_tone": True}
    assert rep["media"]["direction"] == "two-way"
    assert abs(rep["tone"]["freq_hz"] - 880) <= 10


async def test_two_way_fails_when_rtp_towards_the_phone_is_dropped(setup):
    far, root_side, kam, phone = setup
    rule = far.drop_udp(100, direction="out", dst=root_side, dport_range=RTP_PORTS)
    with pytest.raises(ExpectationFailed, match="expect_media") as info:
        await run_line(phone, f"call {kam.aor('carol')} --expect-media two-way "
                              "--expect-tone 880")
    assert rule.dropped() > 0  # baresip did send, and the network ate it
    rep = info.value.result
    assert rep["media"]["direction"] == "outbound"
    assert rep["rx"]["packets"] == 0
    assert rep["tx"]["packets"] > 0
    failed = {a["name"]: a["got"] for a in rep["assertions"] if not a["ok"]}
    assert set(failed) == {"expect_media", "expect_tone"}
    assert "firewall" in failed["expect_media"]  # the engine's diagnosis, named
    assert failed["expect_tone"].startswith("silence")
