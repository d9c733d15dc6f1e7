"""Mapping pjsua's raw dialog-event info to lamps, including Kamailio's quirks."""

from __future__ import annotations

from dataclasses import replace

import pytest

from tuiphone.model.lamp import Lamp, LampDirection, LampState
from tuiphone.sip.blf.lamp_map import SUB_ACTIVE, SUB_TERMINATED, to_lamp
from tuiphone.sip.blf.native import RawDlgInfo

URI = "sip:alice@127.0.0.1"
ACTIVE = RawDlgInfo(buddy_id=0, uri=URI, info_state="full", entity=URI, sub_state=SUB_ACTIVE)


def dialog(state: str, direction: str = "initiator") -> RawDlgInfo:
    return replace(ACTIVE, dialog_id="d1", call_id="c1", state=state, direction=direction,
                   remote_identity="sip:bob@127.0.0.1", local_tag="lt", remote_tag="rt")


@pytest.mark.parametrize(
    ("state", "direction", "lamp_state"),
    [("Trying", "initiator", LampState.RINGING),  # Kamailio's capital T
     ("proceeding", "initiator", LampState.RINGING),
     ("early", "recipient", LampState.RINGING),
     (" CONFIRMED ", "recipient", LampState.BUSY)],
)
def test_live_dialog_states(state: str, direction: str, lamp_state: LampState) -> None:
    lamp = to_lamp(URI, dialog(state, direction), None, 100.0)
    assert lamp.state is lamp_state
    assert lamp.direction is LampDirection(direction)
    assert lamp.remote == "sip:bob@127.0.0.1"
    assert [d.state for d in lamp.dialogs] == [state.strip().lower()]
    assert (lamp.dialogs[0].local_tag, lamp.dialogs[0].remote_tag) == ("lt", "rt")


def test_stale_terminated_first_notify_is_idle_with_unknown_start() -> None:
    lamp = to_lamp(URI, dialog("terminated"), Lamp(URI, LampState.UNKNOWN), 100.0)
    assert (lamp.state, lamp.remote, lamp.dialogs, lamp.since) == (LampState.IDLE, "", (), None)


@pytest.mark.parametrize("raw", [ACTIVE, dialog("")])
def test_notify_without_dialog_or_state_is_idle(raw: RawDlgInfo) -> None:
    assert to_lamp(URI, raw, None, 1.0).state is LampState.IDLE


def test_before_first_notify_is_unknown() -> None:
    sent = RawDlgInfo(buddy_id=0, uri=URI, sub_state=1)
    assert to_lamp(URI, sent, None, 1.0).state is LampState.UNKNOWN


@pytest.mark.parametrize(("code", "sub_state"), [(403, SUB_TERMINATED), (404, 0), (408, 0)])
def test_refused_subscription_is_failed_with_code(code: int, sub_state: int) -> None:
    raw = RawDlgInfo(buddy_id=0, uri=URI, sub_state=sub_state, term_code=code, term_reason="No")
    lamp = to_lamp(URI, raw, None, 1.0)
    assert (lamp.state, lamp.code, lamp.reason) == (LampState.FAILED, code, "No")


def test_notifier_rejection_reason_is_failed() -> None:
    raw = RawDlgInfo(buddy_id=0, uri=URI, sub_state=SUB_TERMINATED, term_code=200,
                     term_reason="noresource")
    assert to_lamp(URI, raw, None, 1.0).state is LampState.FAILED


def test_timeout_termination_is_unknown_while_pjsua_resubscribes() -> None:
    raw = RawDlgInfo(buddy_id=0, uri=URI, sub_state=SUB_TERMINATED, term_code=200,
                     term_reason="timeout")
    assert to_lamp(URI, raw, None, 1.0).state is LampState.UNKNOWN


def test_unrecognised_dialog_state_is_unknown_and_says_why() -> None:
    lamp = to_lamp(URI, dialog("bogus"), None, 1.0)
    assert lamp.state is LampState.UNKNOWN
    assert "bogus" in lamp.reason


def test_since_is_kept_while_state_holds_and_moves_on_change() -> None:
    ringing = to_lamp(URI, dialog("early"), Lamp(URI, LampState.IDLE, since=None), 10.0)
    assert ringing.since == 10.0
    still = to_lamp(URI, dialog("early"), ringing, 20.0)
    assert still.since == 10.0
    busy = to_lamp(URI, dialog("confirmed"), still, 30.0)
    assert busy.since == 30.0
