"""The lock: shown only when our hop's signalling is verified TLS and the media is SRTP;
otherwise the call says which part is not encrypted. alice on TLS with srtp = mandatory
calls carol (baresip, SRTP mandatory) through a far Kamailio."""

from __future__ import annotations

import pjsua2  # noqa: F401 - a hard dependency: missing, the lab must fail, not skip
import pytest

from tests.lab.engine_harness import eventually
from tests.lab.net_phone import far_account, registered
from tests.lab.sipwire import uri_host
from tuiphone.model.account import AccountConfig, SrtpMode, Transport
from tuiphone.model.backend import BackendSettings
from tuiphone.model.call import CallState
from tuiphone.ui.format import security_words

pytestmark = [pytest.mark.lab, pytest.mark.pjsua]


@pytest.fixture
def far(netlab):
    return netlab.far(v6=False)


@pytest.fixture
def kam(far, kamailio_factory):
    return kamailio_factory(host=far, address=far.v4, tls=True, tls_names=["sip.lab.test"])


def tls_account(kam, **kwargs) -> AccountConfig:
    return AccountConfig(id="alice", uri=kam.aor("alice"), username="alice",
                         registrar=f"sip:{uri_host(kam.host)}:{kam.tls_port};transport=tls",
                         transport=Transport.TLS, ca_file=str(kam.ca_path), **kwargs)


async def connected_call_to(phone, watch, uri: str):
    call = await phone.call(uri)
    info = await watch.call_state(call.id, CallState.CONNECTED)
    for c in phone.state().calls:  # the latest snapshot (media came up after CONNECTED?)
        if c.id == call.id and c.security is not None:
            info = c
    if info.security is None:
        ev = await watch.wait(lambda e: getattr(getattr(e, "call", None), "id", None) == call.id
                              and e.call.security is not None)  # type: ignore[attr-defined]
        info = ev.call  # type: ignore[attr-defined]
    return call, info


async def test_tls_and_srtp_show_the_lock(far, kam, baresip_factory, phone_factory):
    carol = baresip_factory(None, "carol", host=far, registrar=(kam.host, kam.port), srtp=True)
    assert carol
    phone = await phone_factory(tls_account(kam, srtp=SrtpMode.MANDATORY))
    watch = await registered(phone, "alice")
    call, info = await connected_call_to(phone, watch, kam.aor("carol"))
    assert info.security.signalling == "tls"
    assert info.security.media.startswith("AES")
    assert info.security.locked
    assert security_words(info.security) == "  🔒 encrypted"
    await phone.hangup(call.id)


async def test_plain_udp_says_what_is_not_encrypted(far, kam, baresip_factory, phone_factory):
    baresip_factory(None, "carol", host=far, registrar=(kam.host, kam.port))
    phone = await phone_factory(far_account(kam, "alice"))
    watch = await registered(phone, "alice")
    call, info = await connected_call_to(phone, watch, kam.aor("carol"))
    assert (info.security.signalling, info.security.media) == ("udp", "")
    assert not info.security.locked
    assert security_words(info.security) == "  unencrypted: signalling, media"
    await phone.hangup(call.id)


async def test_srtp_calls_show_their_rtp_headers(far, kam, baresip_factory, phone_factory):
    """``[engine] rtp_headers`` taps below SRTP: the headers go and come in clear (the
    payload, encrypted, is never kept), from and to carol's far address."""
    baresip_factory(None, "carol", host=far, registrar=(kam.host, kam.port), srtp=True)
    phone = await phone_factory(tls_account(kam, srtp=SrtpMode.MANDATORY),
                                backend=BackendSettings(rtp_headers=2000))
    watch = await registered(phone, "alice")
    call, info = await connected_call_to(phone, watch, kam.aor("carol"))
    assert info.security.media.startswith("AES")

    def both_ways(packets) -> bool:
        return all(sum(p.direction == d for p in packets) >= 20 for d in ("tx", "rx"))

    packets = await eventually(lambda: phone.rtp_trace(call.id), both_ways)
    await phone.hangup(call.id)
    sent = [p for p in packets if p.direction == "tx"]
    got = [p for p in packets if p.direction == "rx"]
    assert all(p.header[0] >> 6 == 2 for p in packets)  # RTP version 2: not ciphertext
    ssrc = {p.header[8:12] for p in sent}
    assert len(ssrc) == 1
    assert {p.header[8:12] for p in got}.isdisjoint(ssrc)  # carol's own stream
    seqs = [int.from_bytes(p.header[2:4], "big") for p in sent]
    assert all((b - a) % 65536 == 1 for a, b in zip(seqs, seqs[1:], strict=False))
    assert {p.src.rpartition(":")[0] for p in got} == {far.v4}
    assert {p.dst.rpartition(":")[0] for p in sent} == {far.v4}
    assert all(p.size > len(p.header) + 10 for p in packets)  # payload + SRTP auth tag
