"""IPv6-only SDP offers: this wheel has no IPv6 media, and pjlib aborts the process if
it negotiates one, so they are refused with 488 and a Warning, and the phone lives on."""

from __future__ import annotations

import pytest

from tests.lab.sipwire import UdpSipClient, build_request
from tests.sip.conftest import Lab
from tuiphone.model.events import IncomingCall, Notice
from tuiphone.sip import sdp

pytestmark = pytest.mark.pjsua
SDP6 = ("v=0\r\no=- 1 1 IN IP6 ::1\r\ns=-\r\nc=IN IP6 ::1\r\nt=0 0\r\n"
        "m=audio 40000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n")


def test_ipv6_only_is_told_apart() -> None:
    assert sdp.ipv6_only(SDP6)
    assert not sdp.ipv6_only(SDP6.replace("c=IN IP6 ::1", "c=IN IP4 127.0.0.1"))
    assert not sdp.ipv6_only("")


async def test_an_ipv6_only_offer_is_refused_with_488(lab: Lab) -> None:
    contact = await lab.add("bob")
    port = int(contact.rsplit(":", 1)[1])
    with UdpSipClient() as client:
        invite = build_request(
            "INVITE", f"sip:bob@127.0.0.1:{port}", local_port=client.local_port,
            from_uri="sip:v6peer@127.0.0.1", body=SDP6,
            headers=[("Contact", f"<sip:v6peer@127.0.0.1:{client.local_port}>"),
                     ("Content-Type", "application/sdp")],
        )
        reply = client.final_response(invite, "127.0.0.1", port, timeout_s=10)
    assert reply.code == 488
    assert "IPv6" in reply.header("warning")
    await lab.events.wait(lambda e: isinstance(e, IncomingCall))
    notice = await lab.events.wait(lambda e: isinstance(e, Notice))
    assert "IPv6 media only" in notice.text
    again = await lab.add("carol")  # the stack still works
    assert again.startswith("sip:carol@")
