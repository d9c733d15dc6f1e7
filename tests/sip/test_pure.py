"""Pure helpers: trace parsing, name-addr, MWI, SRTP suite, error mapping, URI shape."""

from __future__ import annotations

import pytest

from tuiphone.model.call import CallState, Direction, MediaState
from tuiphone.model.errors import BackendError, InvalidUri, LimitExceeded, NetworkError
from tuiphone.sip.callinfo import (
    call_state,
    custom_headers,
    media_state,
    split_name_addr,
    srtp_suite,
)
from tuiphone.sip.errors import classify, convert, strip_tracebacks
from tuiphone.sip.frame_ring import FrameRing
from tuiphone.sip.mwi import parse_mwi
from tuiphone.sip.text import clean, wire_bytes
from tuiphone.sip.trace_parse import mask_secrets, parse_dump
from tuiphone.sip.uri import looks_like_sip_uri

DUMP = (
    "TX 412 bytes Request msg OPTIONS/cseq=1 (tdta0x1) to UDP 127.0.0.1:5070:\n"
    "OPTIONS sip:bob@127.0.0.1 SIP/2.0\r\nCall-ID: abc\r\n\r\n\n--end msg--"
)


def test_parse_dump() -> None:
    entry = parse_dump(DUMP, 1.0)
    assert entry is not None
    assert (entry.direction, entry.transport, entry.peer) == ("tx", "UDP", "127.0.0.1:5070")
    assert entry.first_line == "OPTIONS sip:bob@127.0.0.1 SIP/2.0"
    assert entry.call_id == "abc"


def test_parse_rx_tcp() -> None:
    text = DUMP.replace("TX", "RX").replace(" to UDP", " from TCP")
    entry = parse_dump(text, 1.0)
    assert entry is not None
    assert (entry.direction, entry.transport) == ("rx", "TCP")


def test_not_a_dump() -> None:
    assert parse_dump("Account 0 sending OPTIONS", 0.0) is None


def test_mask_password_param() -> None:
    assert "hunter2" not in mask_secrets('X-Creds: user=a;password="hunter2"')


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('"Bob B" <sip:bob@h>;tag=1', ("Bob B", "sip:bob@h")),
        ("Bob <sip:bob@h>", ("Bob", "sip:bob@h")),
        ("<sip:bob@h>", ("", "sip:bob@h")),
        ("sip:bob@h;tag=9", ("", "sip:bob@h")),
    ],
)
def test_split_name_addr(value: str, expected: tuple[str, str]) -> None:
    assert split_name_addr(value) == expected


def test_state_maps() -> None:
    assert call_state(1, Direction.OUTGOING) is CallState.CALLING
    assert call_state(0, Direction.INCOMING) is CallState.INCOMING
    assert call_state(3, Direction.INCOMING) is CallState.RINGING
    assert call_state(6, Direction.OUTGOING) is CallState.ENDED
    assert media_state(3) is MediaState.REMOTE_HOLD


def test_mwi() -> None:
    body = "Messages-Waiting: yes\r\nMessage-Account: sip:*97@h\r\nVoice-Message: 2/8 (0/2)\r\n"
    assert parse_mwi(body) == (True, 2, 8)
    assert parse_mwi("Messages-Waiting: no\r\n") == (False, 0, 0)
    notify = "NOTIFY sip:a@h SIP/2.0\r\nEvent: message-summary\r\n\r\n" + body
    assert parse_mwi(notify) == (True, 2, 8)


@pytest.mark.parametrize("body", [
    "", "<?xml version='1.0'?><x/>", "Voice-Message: 3/1\r\n",
    "NOTIFY sip:a@h SIP/2.0\r\nMessages-Waiting: yes\r\n\r\ngarbage",  # a header is no body
])
def test_mwi_without_a_summary_is_none(body: str) -> None:
    assert parse_mwi(body) is None


def test_mwi_absurd_counts_are_not_counts() -> None:
    body = "Messages-Waiting: yes\r\nVoice-Message: " + "9" * 4000 + "/1\r\n"
    assert parse_mwi(body) == (True, 0, 0)


def test_srtp_suite() -> None:
    assert (
        srtp_suite("  SRTP status: Active Crypto-suite: AES_CM_128_HMAC_SHA1_80\n")
        == "AES_CM_128_HMAC_SHA1_80"
    )
    assert srtp_suite("SRTP status: Not active") == ""


class FakePjError(Exception):
    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status, self.reason, self.title = status, reason, "x"


@pytest.mark.parametrize(
    ("status", "kind"),
    [
        (70010, LimitExceeded),
        (171039, InvalidUri),
        (120111, NetworkError),
        (171173, NetworkError),
        (1, BackendError),
    ],
)
def test_classify(status: int, kind: type) -> None:
    assert type(classify(FakePjError(status, "r"), "doing")) is kind


def test_convert_drops_tracebacks() -> None:
    try:
        raise FakePjError(70010, "too many")
    except FakePjError as err:
        out = convert(err, "calling")
    assert out.__cause__ is not None
    assert out.__cause__.__traceback__ is None


@pytest.mark.parametrize(
    "uri", ["sip:a@127.0.0.1", "sips:a@h.example:5061;transport=tls", "sip:h", "sip:[::1]:5060"]
)
def test_good_uris(uri: str) -> None:
    assert looks_like_sip_uri(uri)


@pytest.mark.parametrize("uri", ["", "a@b", "sip:", "sip:a b@h", "tel:+1", "sip:a@h>"])
def test_bad_uris(uri: str) -> None:
    assert not looks_like_sip_uri(uri)


def test_custom_headers() -> None:
    msg = "INVITE sip:b@h SIP/2.0\r\nX-A: 1\r\nSubject: hi\r\nFrom: <sip:a@h>\r\n\r\nX-Body: no"
    assert custom_headers(msg) == (("X-A", "1"), ("Subject", "hi"))


def test_strip_walks_cause_and_context() -> None:
    def inner() -> None:
        raise KeyError("inner")

    try:
        try:
            inner()
        except KeyError:
            raise ValueError("outer") from None
    except ValueError as err:
        outer = err
    assert outer.__context__ is not None
    strip_tracebacks(outer)
    assert outer.__traceback__ is None
    assert outer.__context__.__traceback__ is None


def test_frame_ring_drops_oldest_and_pads() -> None:
    ring = FrameRing(4, depth=2)
    assert ring.pop() == b"\0\0\0\0"
    assert ring.underruns == 1
    for frame in (b"aaaa", b"bb", b"cccccc"):
        ring.push(frame)
    assert len(ring) == 2
    assert ring.pop() == b"bb\0\0"
    assert ring.pop() == b"cccc"


def test_network_bytes_in_swig_strings() -> None:
    # SWIG hands over b"J\xfcrgen" as "J\udcfcrgen" (UTF-8 with surrogateescape)
    swig = b'"J\xfcrgen" <sip:j@h>'.decode("utf-8", "surrogateescape")
    assert wire_bytes(swig) == b'"J\xfcrgen" <sip:j@h>'
    assert clean(swig) == '"J\ufffdrgen" <sip:j@h>'
    assert clean(swig).encode("utf-8")  # storable, printable
    assert split_name_addr(swig) == ("J\ufffdrgen", "sip:j@h")
    assert clean("plain ascii") == "plain ascii"
    assert clean("Jürgen") == "Jürgen"
