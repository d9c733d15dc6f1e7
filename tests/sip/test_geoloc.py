"""What a 424 says (RFC 6442 §4.3) and the INVITE that retries after it."""

from __future__ import annotations

from tuiphone.model.call import LocationRefusal
from tuiphone.sip.geoloc import refusal, retry_request

PIDF = ('<?xml version="1.0"?>\r\n<presence xmlns="urn:ietf:params:xml:ns:pidf" entity="x">'
        "<tuple id='t'><status/></tuple></presence>")
HEAD = ("SIP/2.0 424 Bad Location Information\r\nVia: SIP/2.0/UDP 127.0.0.1;branch=z9\r\n"
        "Call-ID: a\r\nCSeq: 1 INVITE\r\n")


def test_refusal_reads_error_geolocation_and_a_single_pidf_body():
    msg = (HEAD + 'Geolocation-Error: 100 ;code="Cannot Process Location"\r\n'
           "Geolocation: <cid:x@psap>\r\nContent-ID: <x@psap>\r\n"
           "Content-Type: application/pidf+xml\r\n\r\n" + PIDF)
    assert refusal(msg) == LocationRefusal('100 ;code="Cannot Process Location"',
                                           "<cid:x@psap>", PIDF)


def test_refusal_reads_a_multipart_body_and_ignores_other_responses():
    body = (f"--b\r\nContent-Type: application/pidf+xml\r\n\r\n{PIDF}\r\n--b--\r\n")
    msg = HEAD + "Geolocation-Error: 300\r\nContent-Type: multipart/mixed;boundary=b\r\n\r\n"
    found = refusal(msg + body)
    assert found is not None
    assert found.error == "300"
    assert found.pidf.endswith("</presence>")
    assert refusal("SIP/2.0 486 Busy Here\r\nGeolocation-Error: 100\r\n\r\n") is None
    assert refusal(HEAD + "\r\n") == LocationRefusal("")


def test_retry_with_the_servers_pidf_by_value():
    headers = {"Geolocation": "<cid:mine@a>", "Geolocation-Routing": "yes",
               "Priority": "emergency"}
    new, parts = retry_request(headers, LocationRefusal("100", "<cid:x@psap>", PIDF), "r@a")
    assert new == {"Geolocation": "<cid:r@a>", "Geolocation-Routing": "yes",
                   "Priority": "emergency"}
    assert [(p.content_type, p.content_id, p.body) for p in parts] == [
        ("application/pidf+xml", "r@a", PIDF)]


def test_retry_by_reference_or_without_location():
    headers = {"Geolocation": "<cid:mine@a>", "Geolocation-Routing": "yes",
               "Priority": "emergency"}
    new, parts = retry_request(headers, LocationRefusal("100", "<https://lis/x>"), "r@a")
    assert new["Geolocation"] == "<https://lis/x>"
    assert parts == ()
    new, parts = retry_request(headers, LocationRefusal("100"), "r@a")
    assert new == {"Priority": "emergency"}
    assert parts == ()
