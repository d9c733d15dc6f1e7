"""Parsing raw dialog-info bodies, aggregating many dialogs, and reading the NOTIFY
out of a pjsip_event laid out like pjproject 2.15.1's."""

from __future__ import annotations

import ctypes

import pytest

from tuiphone.model.lamp import Lamp, LampDirection, LampState
from tuiphone.sip.blf import rdata as rd
from tuiphone.sip.blf.body import EMPTY, parse
from tuiphone.sip.blf.lamp_map import SUB_ACTIVE, to_lamp
from tuiphone.sip.blf.native import RawDlgInfo

URI = "sip:alice@127.0.0.1"
ACTIVE = RawDlgInfo(buddy_id=0, uri=URI, info_state="full", sub_state=SUB_ACTIVE)


def doc(*dialogs: str, state: str = "full") -> bytes:
    return (
        '<?xml version="1.0"?><dialog-info xmlns="urn:ietf:params:xml:ns:dialog-info" '
        f'version="3" state="{state}" entity="{URI}">' + "".join(dialogs) + "</dialog-info>"
    ).encode()


def dialog(did: str, state: str, direction: str = "recipient", remote: str = "sip:bob@x",
           rendering: str | None = None) -> str:
    param = f'<param pname="+sip.rendering" pvalue="{rendering}"/>' if rendering else ""
    return (f'<dialog id="{did}" call-id="c{did}" direction="{direction}" local-tag="l" '
            f'remote-tag="r"><state>{state}</state><remote><identity>{remote}</identity>'
            f'<target uri="{remote}">{param}</target></remote></dialog>')


def test_parse_keeps_every_dialog_normalised() -> None:
    parsed = parse(doc(dialog("1", "Trying", "initiator"), dialog("2", "confirmed")))
    assert (parsed.state, parsed.version, parsed.entity) == ("full", 3, URI)
    assert [(d.id, d.state, d.direction) for d in parsed.dialogs] == [
        ("1", "trying", LampDirection.INITIATOR), ("2", "confirmed", LampDirection.RECIPIENT)]
    assert (parsed.dialogs[0].call_id, parsed.dialogs[0].remote_identity) == ("c1", "sip:bob@x")


def test_empty_body_means_no_dialogs() -> None:
    assert parse(b"  ") is EMPTY


@pytest.mark.parametrize("body", [b"<nope", b"<presence xmlns='urn:x'/>",
                                  b'<!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>'])
def test_bad_or_hostile_bodies_raise_value_error(body: bytes) -> None:
    with pytest.raises(ValueError, match="dialog-info"):
        parse(body)


def test_busy_beats_ringing_and_leads_the_lamp() -> None:
    body = parse(doc(dialog("1", "early", remote="sip:dave@x"), dialog("2", "confirmed")))
    lamp = to_lamp(URI, ACTIVE, None, 1.0, body)
    assert (lamp.state, lamp.remote, len(lamp.dialogs)) == (LampState.BUSY, "sip:bob@x", 2)


def test_not_rendering_means_hold() -> None:
    body = parse(doc(dialog("1", "confirmed", rendering="no")))
    assert body.dialogs[0].on_hold is True
    assert to_lamp(URI, ACTIVE, None, 1.0, body).state is LampState.HOLD


def test_stale_terminated_dialogs_are_dropped() -> None:
    body = parse(doc(dialog("old", "terminated"), dialog("new", "early")))
    lamp = to_lamp(URI, ACTIVE, None, 1.0, body)
    assert (lamp.state, [d.id for d in lamp.dialogs]) == (LampState.RINGING, ["new"])


def test_partial_document_updates_previous_dialogs_by_id() -> None:
    before = to_lamp(URI, ACTIVE, None, 1.0, parse(doc(dialog("1", "confirmed"),
                                                       dialog("2", "early"))))
    update = parse(doc(dialog("1", "terminated"), state="partial"))
    after = to_lamp(URI, ACTIVE, before, 2.0, update)
    assert (after.state, [d.id for d in after.dialogs]) == (LampState.RINGING, ["2"])


def test_subscription_failure_wins_over_an_old_body() -> None:
    raw = RawDlgInfo(buddy_id=0, uri=URI, sub_state=5, term_code=403, term_reason="Forbidden")
    lamp = to_lamp(URI, raw, Lamp(URI, LampState.BUSY), 1.0, parse(doc(dialog("1", "confirmed"))))
    assert (lamp.state, lamp.code) == (LampState.FAILED, 403)


def fake_event(message: bytes, msg_buf_delta: int = 0) -> tuple[int, list[object]]:
    """A pjsip_event (tsx state, RX message) pointing at a fake pjsip_rx_data."""
    rdata = ctypes.create_string_buffer(rd.MSG_BUF_OFFSET + 16)
    base = ctypes.addressof(rdata)
    ctypes.memmove(base + rd.PACKET_OFFSET, message, len(message))
    ctypes.c_void_p.from_address(base + rd.MSG_BUF_OFFSET).value = (
        base + rd.PACKET_OFFSET + msg_buf_delta)
    ctypes.c_int.from_address(base + rd.MSG_BUF_OFFSET + 8).value = len(message)
    event = ctypes.create_string_buffer(48)
    ev = ctypes.addressof(event)
    ctypes.c_int.from_address(ev + rd.EVENT_TYPE_OFFSET).value = rd.PJSIP_EVENT_TSX_STATE
    ctypes.c_int.from_address(ev + rd.EVENT_SRC_TYPE_OFFSET).value = rd.PJSIP_EVENT_RX_MSG
    ctypes.c_void_p.from_address(ev + rd.EVENT_SRC_OFFSET).value = base
    return ev, [rdata, event]


def test_notify_is_read_from_the_event() -> None:
    message = b"NOTIFY sip:c@x SIP/2.0\r\nEvent: dialog\r\n\r\n<body/>"
    ev, _keep = fake_event(message)
    assert rd.notify_message(ev) == message
    assert rd.message_body(message) == b"<body/>"


@pytest.mark.parametrize(("message", "delta"), [(b"SIP/2.0 200 OK\r\n\r\n", 0),
                                                (b"NOTIFY sip:c@x SIP/2.0\r\n\r\n", -8)])
def test_anything_unexpected_reads_as_none(message: bytes, delta: int) -> None:
    ev, _keep = fake_event(message, delta)
    assert rd.notify_message(ev) is None
