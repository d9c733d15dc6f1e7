"""Caller identity the network vouches for, end to end: P-Asserted-Identity through the
registrar is shown verified; SIPp as a carrier-like trunk (a listed address) sends
verstat=TN-Validation-Passed/-Failed; the same headers straight from a stranger are
not believed. What a front end shows (``--json`` is ``to_jsonable``) and history keep."""

from __future__ import annotations

import asyncio
import re

import pjsua2  # noqa: F401 - a hard dependency: missing, the lab must fail, not skip
import pytest

from tests.lab.digest import send_with_auth
from tests.lab.engine_harness import Watch
from tests.lab.net_phone import far_account, registered
from tests.lab.sipp import Sipp
from tests.lab.sipwire import UdpSipClient, build_request, uri_host
from tuiphone.model.account import AccountConfig
from tuiphone.model.call import CallState
from tuiphone.model.codec import to_jsonable
from tuiphone.model.events import IncomingCall
from tuiphone.model.trust import TrustConfig, Vouch

pytestmark = [pytest.mark.lab, pytest.mark.pjsua]

PAI = "<sip:+4930555@carrier.test;user=phone>"
CARRIER_UAC = """<?xml version="1.0" encoding="ISO-8859-1" ?>
<!DOCTYPE scenario SYSTEM "sipp.dtd">
<!-- A carrier's trunk: one INVITE with an asserted identity and its STIR verdict. -->
<scenario name="carrier with verstat">
  <send retrans="500">
    <![CDATA[

      INVITE sip:alice@[remote_ip]:[remote_port] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
      From: "Spoofy" <sip:anon@scam.test>;tag=[pid]SIPpTag00[call_number]
      To: <sip:alice@[remote_ip]:[remote_port]>
      Call-ID: [call_id]
      CSeq: 1 INVITE
      Contact: <sip:carrier@[local_ip]:[local_port]>
      P-Asserted-Identity: <sip:+4930555@carrier.test;user=phone;verstat=VERSTAT>
      Max-Forwards: 70
      Content-Length: 0

    ]]>
  </send>
  <recv response="100" optional="true"/>
  <recv response="180" optional="true"/>
  <recv response="200" rrs="true"/>
  <send>
    <![CDATA[

      ACK [next_url] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
      From: "Spoofy" <sip:anon@scam.test>;tag=[pid]SIPpTag00[call_number]
      To: <sip:alice@[remote_ip]:[remote_port]>[peer_tag_param]
      Call-ID: [call_id]
      CSeq: 1 ACK
      Max-Forwards: 70
      Content-Length: 0

    ]]>
  </send>
  <send retrans="500">
    <![CDATA[

      BYE [next_url] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
      From: "Spoofy" <sip:anon@scam.test>;tag=[pid]SIPpTag00[call_number]
      To: <sip:alice@[remote_ip]:[remote_port]>[peer_tag_param]
      Call-ID: [call_id]
      CSeq: 2 BYE
      Max-Forwards: 70
      Content-Length: 0

    ]]>
  </send>
  <recv response="200"/>
</scenario>
"""


@pytest.fixture
def far(netlab):
    return netlab.far(v6=False)


@pytest.fixture
def scanner(netlab):
    return netlab.far(v6=False)


@pytest.fixture
def kam(far, kamailio_factory):
    return kamailio_factory(host=far, address=far.v4)


def phone_port(phone, account_id: str) -> int:
    (acc,) = [a for a in phone.state().accounts if a.id == account_id]
    found = re.search(r":(\d+)(?:[;>]|$)", acc.contact)
    assert found, acc.contact
    return int(found.group(1))


def invite_via_kamailio(far, kam) -> int:
    """bob's INVITE with a P-Asserted-Identity, through Kamailio (authenticated); its
    final answer once the phone ends the call."""
    sock = far.socket()
    sock.bind((far.v4, 0))
    with UdpSipClient(sock=sock) as client:
        contact = f"<sip:bob@{far.v4}:{client.local_port}>"
        return send_with_auth(client, kam.host, kam.port, "INVITE", kam.aor("alice"),
                              from_uri=kam.aor("bob"), credentials=("bob", "bobpw"),
                              headers=[("Contact", contact), ("P-Asserted-Identity", PAI)],
                              timeout_s=20).code


async def test_pai_through_the_registrar_is_verified(far, kam, phone_factory):
    phone = await phone_factory(far_account(kam, "alice"))
    watch = await registered(phone, "alice")
    answer = asyncio.create_task(asyncio.to_thread(invite_via_kamailio, far, kam))
    rang = await watch.wait(lambda e: isinstance(e, IncomingCall))
    identity = rang.call.identity
    assert identity is not None
    assert identity.vouch is Vouch.VERIFIED
    assert identity.asserted_by == "P-Asserted-Identity"
    assert "+4930555@carrier.test" in rang.call.remote_uri
    assert "bob@" in identity.claimed
    assert to_jsonable(rang.call)["identity"]["vouch"] == "verified"  # what --json prints
    await phone.hangup(rang.call.id)
    assert await answer >= 400
    await watch.call_state(rang.call.id, CallState.ENDED)
    (entry,) = await phone.history(identity=Vouch.VERIFIED)
    assert entry.call_id == rang.call.id
    assert await phone.history(identity=Vouch.UNVERIFIED) == []


@pytest.mark.parametrize(("verstat", "vouch"), [("TN-Validation-Passed", Vouch.PASSED),
                                                ("TN-Validation-Failed", Vouch.FAILED)])
async def test_a_carrier_trunks_verstat_is_shown(netlab, far, phone_factory, tmp_path,
                                                 verstat, vouch):
    """A trunk without registration: the carrier's address is listed in accept_from."""
    account = AccountConfig(id="alice", uri=f"sip:alice@{netlab.uplink(far).root_v4}",
                            trust=TrustConfig(accept_from=(f"{far.v4}/32",)))
    phone = await phone_factory(account)
    watch = Watch(phone)
    scenario = tmp_path / "carrier.xml"
    scenario.write_text(CARRIER_UAC.replace("VERSTAT", verstat))
    target = f"{netlab.uplink(far).root_v4}:{phone_port(phone, 'alice')}"
    sipp = Sipp.uac("sipp", tmp_path / "sipp", target, scenario_file=scenario, host=far,
                    calls=1, extra=("-timeout", "20s", "-timeout_error"))
    try:
        rang = await watch.wait(lambda e: isinstance(e, IncomingCall))
        identity = rang.call.identity
        assert identity is not None
        assert (identity.vouch, identity.verstat) == (vouch, verstat)
        assert to_jsonable(rang.call)["identity"]["vouch"] == vouch.value
        assert "anon@scam.test" in identity.claimed  # From said otherwise; PAI is shown
        await phone.answer(rang.call.id)
        await watch.call_state(rang.call.id, CallState.ENDED)  # SIPp hangs up
        assert await asyncio.to_thread(sipp.wait, 30) == 0
    finally:
        sipp.stop()
    (entry,) = await phone.history()
    assert entry.identity is vouch
    assert to_jsonable(entry)["identity"] == vouch.value


async def test_the_same_headers_from_a_stranger_are_not_believed(netlab, scanner,
                                                                 phone_factory):
    """accept_from = "any" lets the stranger ring, but vouches for nobody."""
    host = netlab.uplink(scanner).root_v4
    account = AccountConfig(id="alice", uri=f"sip:alice@{host}",
                            trust=TrustConfig(accept_from=("any",)))
    phone = await phone_factory(account)
    watch = Watch(phone)
    port = phone_port(phone, "alice")
    sock = scanner.socket()
    sock.bind((scanner.v4, 0))
    with UdpSipClient(sock=sock) as client:
        contact = f"<sip:x@{scanner.v4}:{client.local_port}>"
        pai = PAI.replace(">", ";verstat=TN-Validation-Passed>")
        client.send(build_request(
            "INVITE", f"sip:alice@{uri_host(host)}:{port}", local_port=client.local_port,
            local_host=client.local_host, from_uri=f"sip:anon@{scanner.v4}",
            headers=[("Contact", contact), ("P-Asserted-Identity", pai)]), host, port)
        rang = await watch.wait(lambda e: isinstance(e, IncomingCall))
    identity = rang.call.identity
    assert identity is not None
    assert identity.vouch is Vouch.UNVERIFIED
    assert identity.verstat == ""
    assert f"anon@{scanner.v4}" in rang.call.remote_uri  # From, not the asserted number
    await phone.hangup(rang.call.id)
