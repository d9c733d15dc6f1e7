"""The lock: shown only when our hop's signalling is verified TLS and the media is SRTP;
otherwise the call says which part is not encrypted. alice on TLS with srtp = mandatory
calls carol (baresip, SRTP mandatory) through a far Kamailio."""

from __future__ import annotations

import pjsua2  # noqa: F401 - a hard dependency: missing, the lab must fail, not skip
import pytest

from tests.lab.net_phone import far_account, registered
from tests.lab.sipwire import uri_host
from tuiphone.model.account import AccountConfig, SrtpMode, Transport
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
