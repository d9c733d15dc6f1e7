"""Emergency numbers, location matching and the emergency call path (FakeBackend)."""

from __future__ import annotations

import re

import pytest

from tuiphone.engine.emergency import dialled_digits, is_emergency
from tuiphone.engine.emergency_call import victim
from tuiphone.engine.fake import FakeBackend
from tuiphone.engine.location import match
from tuiphone.engine.phone import Phone
from tuiphone.engine.setup import EngineSetup
from tuiphone.model.account import AccountConfig, Features
from tuiphone.model.call import CallInfo, CallState, Direction, MediaState
from tuiphone.model.errors import LimitExceeded, NotFound
from tuiphone.model.location import GeoPoint, LocationProfile, MatchRules, NetworkFacts
from tuiphone.model.rules import CallRules, DialRule


def acc(**kw) -> AccountConfig:
    return AccountConfig(id="alice", uri="sip:alice@127.0.0.1", **kw)


@pytest.mark.parametrize(("number", "region", "prefix", "expected"), [
    ("112", "DE", (), True), ("110", "DE", (), True), ("0112", "DE", ("0",), True),
    ("0112", "DE", (), False), ("911", "DE", (), False), ("911", "US", (), True),
    ("9911", "US", ("9",), True), ("9911", "US", (), False), ("999", "GB", (), True),
    ("911", "GB", (), False), ("000", "AU", (), True), ("1-1-2", "DE", (), True),
    ("sip:112@pbx.example.com;user=phone", "DE", (), True), ("5551234", "US", ("9",), False),
    ("0", "DE", ("0",), False), ("alice", "DE", (), False), ("echo", "US", (), False),
])
def test_emergency_numbers(number, region, prefix, expected):
    assert is_emergency(number, acc(region=region, dial_prefix=prefix), "US") is expected


def test_configured_numbers_and_default_region():
    assert is_emergency("5555", acc(emergency_numbers=("5555",)), "US")
    assert is_emergency("112", acc(), "DE")
    assert not is_emergency("112", acc(region="MX"), "DE")
    assert dialled_digits("tel:+49-30-1234") == "+49301234"
    assert dialled_digits("bob") == ""


HQ = LocationProfile("hq", civic=(("country", "DE"),),
                     match=MatchRules(subnets=("198.18.5.0/24",)))
LAB = LocationProfile("lab", civic=(("country", "DE"),),
                      match=MatchRules(gateway_macs=("02:00:5e:00:53:01",)))
NAT = LocationProfile("nat", point=GeoPoint(1.0, 2.0),
                      match=MatchRules(public_addresses=("198.18.77.0/24",)))
WIFI = LocationProfile("wifi", point=GeoPoint(1.0, 2.0), match=MatchRules(ssids=("Office",)))
HAND = LocationProfile("hand", point=GeoPoint(1.0, 2.0))
FACTS = NetworkFacts("198.18.5.1", "02:00:5e:00:53:01", ("198.18.5.2/24",), ("Office",),
                     ("198.18.77.7",))
ALL = (HQ, NAT, WIFI, LAB, HAND)


def test_rules_rank_mac_then_ssid_then_public_then_subnet():
    assert match(ALL, None, FACTS)[:2] == (LAB, "gateway_mac")
    assert match((HQ, NAT, WIFI), None, FACTS)[:2] == (WIFI, "ssid")
    assert match((HQ, NAT), None, FACTS)[:2] == (NAT, "public_address")
    assert match((HQ,), None, FACTS)[:2] == (HQ, "subnet")
    assert match(ALL, "hand", FACTS)[:2] == (HAND, "override")
    profile, rule, detail = match((HAND,), None, FACTS)
    assert (profile, rule) == (None, "none")
    assert "02:00:5e:00:53:01" in detail


def call(cid: str, state: CallState, started: float, direction=Direction.OUTGOING,
         media=MediaState.ACTIVE) -> CallInfo:
    return CallInfo(cid, "alice", direction, "sip:x@y", state, started=started, media=media)


def test_victim_is_the_least_engaged_call():
    ringing_in = call("c1", CallState.RINGING, 5, Direction.INCOMING)
    held = call("c2", CallState.CONNECTED, 3, media=MediaState.LOCAL_HOLD)
    oldest = call("c3", CallState.CONNECTED, 1)
    newer = call("c4", CallState.CONNECTED, 2)
    calling = call("c5", CallState.CALLING, 0)
    assert victim([oldest, held, ringing_in, newer]) is ringing_in
    assert victim([oldest, newer, held]) is held
    assert victim([newer, calling, oldest]) is oldest
    assert victim([calling]) is calling


async def started(account: AccountConfig, backend: FakeBackend, **kw) -> Phone:
    setup = EngineSetup(accounts=(account,), echo_line=False, locations=(HQ, HAND),
                        network_facts=lambda: FACTS, default_region="DE", **kw)
    phone = Phone(setup, backend)
    await phone.start()
    return phone


async def settle(phone: Phone, check, timeout_s: float = 2.0) -> None:
    """Until ``check()`` holds: the fake's events land on the loop."""
    if not check():
        await phone.bus.wait(lambda _e: check(), timeout_s)


async def test_emergency_call_past_four_calls_holds_the_rest_and_carries_location():
    backend = FakeBackend()
    phone = await started(acc(region="DE", features=Features(location=True, presence=True)),
                          backend)
    try:
        await phone.set_presence("dnd")
        ids = [(await phone.call(f"sip:peer{n}@198.18.5.9")).id for n in range(4)]
        await settle(phone, lambda: all(c.state is CallState.CONNECTED
                                        for c in phone.state().calls) and
                     len(phone.state().calls) == 4)
        with pytest.raises(LimitExceeded):
            await phone.call("sip:peer9@198.18.5.9")  # an ordinary call still may not
        info = await phone.call("112")
        await settle(phone, lambda: info.id in {c.id for c in phone.state().calls})
        live = {c.id: c for c in phone.state().calls}
        assert info.id in live
        assert ids[0] not in live
        assert all(live[i].on_hold for i in ids[1:])
        headers = dict(backend.legs[info.id].info.headers)
        assert headers["Priority"] == "emergency"
        assert headers["Geolocation-Routing"] == "yes"
        [part] = backend.sent_parts[-1]
        assert headers["Geolocation"] == f"<cid:{part.content_id}>"
        assert part.content_type == "application/pidf+xml"
        assert "civicAddress" in part.body
        [use] = phone.store.export_all()["location_uses"]
        assert (use["call_id"], use["profile"], use["rule"], use["number"]) == (
            info.id, "hq", "subnet", "112")
    finally:
        await phone.stop()


async def test_location_off_priority_only_and_override():
    backend = FakeBackend()
    phone = await started(acc(features=Features(location=False)), backend)
    try:
        info = await phone.call("112")
        headers = dict(backend.legs[info.id].info.headers)
        assert headers == {"Priority": "emergency"}
        assert backend.sent_parts[-1] == ()
        choice = await phone.location()
        assert not choice.enabled
        assert choice.profile is None
        assert choice.rule == "off"
        ordinary = await phone.call("5551234")
        assert dict(backend.legs[ordinary.id].info.headers) == {}
    finally:
        await phone.stop()
    phone = await started(acc(features=Features(location=True)), FakeBackend(),
                          location_override="hand")
    try:
        assert (await phone.location()).rule == "override"
        with pytest.raises(NotFound):
            await phone.set_location("nowhere")
        choice = await phone.set_location(None)
        assert (choice.profile.name, choice.rule) == ("hq", "subnet")  # type: ignore[union-attr]
        preview = await phone.invite_preview("0112")
        assert not preview.emergency  # no dial_prefix configured: 0112 is an ordinary call
        preview = await phone.invite_preview("112")
        assert preview.emergency
        assert "Priority: emergency" in preview.text
        assert "SDP offer" in preview.pending
    finally:
        await phone.stop()


async def test_a_failing_network_read_still_lets_the_call_out():
    def broken() -> NetworkFacts:
        raise OSError("no /proc here")

    backend = FakeBackend()
    setup = EngineSetup(accounts=(acc(region="DE", features=Features(location=True)),),
                        echo_line=False, locations=(HQ,), network_facts=broken)
    phone = Phone(setup, backend)
    await phone.start()
    try:
        info = await phone.call("112")
        assert dict(backend.legs[info.id].info.headers) == {"Priority": "emergency"}
        [use] = phone.store.export_all()["location_uses"]
        assert use["profile"] == ""
        assert "no /proc here" in use["detail"]
    finally:
        await phone.stop()


async def test_dialling_rules_leave_an_emergency_number_alone_and_dnd_lets_it_out():
    rules = CallRules(dnd=True, dial_rules=(DialRule(re.compile(r"0(\d+)"), r"+49\1"),
                                            DialRule(re.compile(r"999"), "112")))
    backend = FakeBackend()
    phone = await started(acc(region="DE", dial_prefix=("0",), rules=rules,
                              features=Features(location=True)), backend)
    try:
        assert await phone.dial_preview("0301234") == "sip:+49301234@127.0.0.1"
        assert await phone.dial_preview("0112") == "sip:0112@127.0.0.1"  # as typed
        info = await phone.call("0112")  # DND is on: it turns away incoming calls only
        assert info.remote_uri == "sip:0112@127.0.0.1"
        assert dict(backend.legs[info.id].info.headers)["Priority"] == "emergency"
        rewritten = await phone.call("999")  # a rule that makes an emergency number
        assert rewritten.remote_uri == "sip:112@127.0.0.1"
        assert dict(backend.legs[rewritten.id].info.headers)["Priority"] == "emergency"
    finally:
        await phone.stop()
