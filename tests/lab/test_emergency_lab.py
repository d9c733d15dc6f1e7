"""Emergency calls against SIPp as the emergency service: the INVITE as received
(RFC 6442 headers, multipart body, Content-ID <-> cid:, a PIDF-LO valid against the
RFC 4119/5139/5491 schemas), past the 4-call cap and DND, the 424 retry, location off,
and Geolocation by reference in REGISTER."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pjsua2  # noqa: F401 - a hard dependency: missing, these must fail, not skip
import pytest

from tests.lab.engine_harness import Watch
from tests.lab.sipp import Sipp, scenario
from tests.support.pidflo import requests, schema_errors
from tuiphone.model.account import AccountConfig, Features
from tuiphone.model.call import CallState, MediaState
from tuiphone.model.events import CallChanged
from tuiphone.model.location import LocationProfile, MatchRules, NetworkFacts
from tuiphone.model.network import NatConfig

pytestmark = [pytest.mark.lab]

HQ = LocationProfile(
    name="hq",
    civic=(("country", "DE"), ("A1", "Berlin"), ("A3", "Berlin"), ("RD", "Hauptstraße"),
           ("HNO", "12"), ("FLR", "3"), ("NAM", "Example GmbH"), ("PC", "10115"),
           ("ROOM", "301")),
    match=MatchRules(subnets=("198.18.44.0/24",)),
)
FACTS = NetworkFacts(gateway="198.18.44.1", gateway_mac="02:00:5e:00:53:01",
                     addresses=("198.18.44.2/24",))


def account(location: bool = True, **kwargs: Any) -> AccountConfig:
    kwargs.setdefault("features", Features(location=location, presence=True))
    return AccountConfig(id="alice", uri="sip:alice@127.0.0.1", region="DE", **kwargs)


def psap(sipp_factory: Any, name: str = "uas_emergency", calls: int = 1) -> tuple[Sipp, Path]:
    log = Path(f"{name}-messages.log")
    uas = sipp_factory.uas(scenario_file=scenario(name), calls=calls,
                           extra=("-trace_msg", "-message_file", str(log.name)))
    return uas, uas.workdir / log.name


async def make_phone(phone_factory: Any, acc: AccountConfig, tmp_path: Path) -> Any:
    return await phone_factory(acc, locations=(HQ,), network_facts=lambda: FACTS,
                               db_path=tmp_path / "db.sqlite")


def check_located_invite(invite: Any) -> str:
    """The RFC 6442 shape of an emergency INVITE; returns its PIDF-LO."""
    assert invite.header("Priority") == "emergency"
    assert invite.header("Geolocation-Routing") == "yes"
    geolocation = invite.header("Geolocation")
    assert geolocation is not None
    assert geolocation.startswith("<cid:")
    cid = geolocation[len("<cid:"):-1]
    assert (invite.header("Content-Type") or "").startswith("multipart/mixed")
    parts = invite.parts()
    kinds = [p.headers.get("Content-Type") for p in parts]
    assert kinds == ["application/pidf+xml", "application/sdp"]  # pjsua: SDP last
    assert parts[0].headers.get("Content-ID") == f"<{cid}>"
    assert "m=audio " in parts[1].body
    return parts[0].body.strip()


async def test_emergency_invite_past_four_calls_and_dnd(phone_factory, sipp_factory, tmp_path):
    peer = sipp_factory.uas(scenario_file=scenario("uas_holdable"), calls=4, rtp_echo=False)
    service, log = psap(sipp_factory)
    phone = await make_phone(phone_factory, account(), tmp_path)
    watch = Watch(phone)
    assert await phone.set_dnd(True) == ["alice"]  # DND turns away incoming calls only
    await phone.set_presence("dnd")
    ids = []
    for n in range(4):
        info = await phone.call(f"sip:peer{n}@{peer.uri_host}")
        await watch.call_state(info.id, CallState.CONNECTED)
        ids.append(info.id)
    assert len(phone.state().calls) == 4

    call = await phone.call(f"sip:112@{service.uri_host}")
    await watch.call_state(call.id, CallState.CONNECTED)
    live = {c.id: c for c in phone.state().calls}
    assert call.id in live
    assert len(live) == 4
    ended = [i for i in ids if i not in live]
    assert ended == [ids[0]]  # the oldest connected call made room (none was held)
    for other in ids[1:]:  # the others wait on hold (re-INVITE answered recvonly)
        await watch.wait(lambda e, i=other: isinstance(e, CallChanged) and e.call.id == i
                         and e.call.media is MediaState.LOCAL_HOLD)

    await phone.hangup(call.id)
    await watch.call_state(call.id, CallState.ENDED)
    assert service.wait(30) == 0
    [invite] = requests(log, "INVITE")
    pidf = check_located_invite(invite)
    assert schema_errors(pidf) == []
    assert "<ca:RD>Hauptstraße</ca:RD>" in pidf
    assert "<ca:ROOM>301</ca:ROOM>" in pidf
    [use] = phone.store.export_all()["location_uses"]
    assert (use["call_id"], use["profile"], use["rule"]) == (call.id, "hq", "subnet")


async def test_424_is_retried_with_the_servers_location(phone_factory, sipp_factory, tmp_path):
    service, log = psap(sipp_factory, "uas_424_location", calls=2)
    phone = await make_phone(phone_factory, account(), tmp_path)
    watch = Watch(phone)
    call = await phone.call(f"sip:112@{service.uri_host}")
    connected = await watch.call_state(call.id, CallState.CONNECTED)  # the same call id
    assert connected.location_refusal.error.startswith("100")
    await phone.hangup(call.id)
    await watch.call_state(call.id, CallState.ENDED)
    assert service.wait(30) == 0
    first, retry = requests(log, "INVITE")
    assert "Hauptstraße" in check_located_invite(first)
    pidf = check_located_invite(retry)
    assert "<ca:A3>Servertown</ca:A3>" in pidf
    assert schema_errors(pidf) == []
    rules = [u["rule"] for u in phone.store.export_all()["location_uses"]]
    assert rules == ["subnet", "server"]


async def test_location_off_still_calls_with_priority(phone_factory, sipp_factory, tmp_path):
    service, log = psap(sipp_factory)
    phone = await make_phone(phone_factory, account(location=False), tmp_path)
    watch = Watch(phone)
    call = await phone.call(f"sip:112@{service.uri_host}")
    await watch.call_state(call.id, CallState.CONNECTED)
    await phone.hangup(call.id)
    await watch.call_state(call.id, CallState.ENDED)
    assert service.wait(30) == 0
    [invite] = requests(log, "INVITE")
    assert invite.header("Priority") == "emergency"
    assert invite.header("Geolocation") is None
    assert invite.header("Geolocation-Routing") is None
    assert invite.header("Content-Type") == "application/sdp"
    [use] = phone.store.export_all()["location_uses"]
    assert (use["profile"], use["rule"]) == ("", "off")


async def test_ordinary_call_carries_no_location(phone_factory, sipp_factory, tmp_path):
    service, log = psap(sipp_factory)
    phone = await make_phone(phone_factory, account(), tmp_path)
    watch = Watch(phone)
    call = await phone.call(f"sip:5551234@{service.uri_host}")
    await watch.call_state(call.id, CallState.CONNECTED)
    await phone.hangup(call.id)
    await watch.call_state(call.id, CallState.ENDED)
    assert service.wait(30) == 0
    [invite] = requests(log, "INVITE")
    assert invite.header("Priority") is None
    assert invite.header("Geolocation") is None
    assert phone.store.export_all()["location_uses"] == []


async def test_register_carries_geolocation_by_reference(phone_factory, sipp_factory, tmp_path):
    """features.location_in_register: Geolocation: <location_url> in REGISTER; and the
    Via received= of the registrar's answer is the public address profiles match."""
    registrar, log = psap(sipp_factory, "uas_register_seen")
    url = "https://lis.example.com/loc/8f3a2c"
    acc = account(registrar=f"sip:{registrar.uri_host}", location_url=url,
                  nat=NatConfig(contact_rewrite=False),
                  features=Features(location=True, location_in_register=True))
    office = LocationProfile("office", civic=(("country", "DE"), ("A3", "Köln")),
                             match=MatchRules(public_addresses=("198.18.77.0/24",)))
    phone = await phone_factory(acc, locations=(HQ, office), network_facts=NetworkFacts,
                                db_path=tmp_path / "db.sqlite")
    state = await Watch(phone).settled(phone, "alice")
    assert state.reg_state.value == "registered"
    assert state.public_address == "198.18.77.7"
    [register, *_] = requests(log, "REGISTER")
    assert register.header("Geolocation") == f"<{url}>"
    choice = await phone.location()
    assert choice.profile is not None
    assert choice.profile.name == "office"
    assert choice.rule == "public_address"
    assert "198.18.77.7" in choice.detail
