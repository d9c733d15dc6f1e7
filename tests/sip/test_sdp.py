"""Our SDP address for calls of accounts without a server route."""

from __future__ import annotations

from tuiphone.sip import sdp

OFFER = (
    "v=0\r\no=- 1 1 IN IP4 192.0.2.2\r\ns=pjmedia\r\nt=0 0\r\n"
    "m=audio 4000 RTP/AVP 0\r\nc=IN IP4 192.0.2.2\r\na=rtcp:4001 IN IP4 192.0.2.2\r\n"
    "a=sendrecv\r\n"
)


def test_address_replaced_in_origin_connection_and_rtcp() -> None:
    out = sdp.with_address(OFFER, "198.18.0.1")
    assert "192.0.2.2" not in out
    assert out.count("198.18.0.1") == 3
    assert sdp.offered_rtp(out) == "198.18.0.1:4000"


def test_other_family_and_hold_address_stay() -> None:
    assert sdp.with_address(OFFER, "2001:db8::1") == OFFER
    held = OFFER.replace("c=IN IP4 192.0.2.2", "c=IN IP4 0.0.0.0")
    assert "c=IN IP4 0.0.0.0" in sdp.with_address(held, "198.18.0.1")


def test_address_for_peer_follows_the_peers_media_address() -> None:
    peer = OFFER.replace("192.0.2.2", "127.0.0.1")
    assert sdp.address_for_peer(peer) == "127.0.0.1"
    assert sdp.address_for_peer("v=0\r\n") is None


def test_registrar_seen_address_rewrites_the_contact() -> None:
    from tuiphone.sip.natseen import rewritten, seen_address

    reply = ("SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 192.168.77.2:5060;rport=40001;"
             "branch=z9hG4bK1;received=198.18.9.1\r\nVia: SIP/2.0/UDP other:5060\r\n"
             "Contact: <sip:alice@192.168.77.2:5060>\r\n\r\n")
    assert seen_address(reply) == ("198.18.9.1", 40001)
    assert rewritten("sip:alice@192.168.77.2:5060;ob", ("198.18.9.1", 40001)) == (
        "sip:alice@198.18.9.1:40001;ob")
    assert rewritten("sip:[2001:db8::1]:5060", ("2001:db8::9", 7)) == "sip:[2001:db8::9]:7"
    plain = "SIP/2.0 200 OK\r\nv: SIP/2.0/UDP 198.18.0.1:5060;rport;branch=z9hG4bK2\r\n\r\n"
    assert seen_address(plain) is None
