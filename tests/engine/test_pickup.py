"""Which pickup a lamp allows: Replaces from a ringing dialog's call-id and tags (the
INVITE goes to the caller, RFC 3891 §3), or nothing (the feature code then)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from tuiphone.engine.pickup import replaces_pickup
from tuiphone.model.lamp import DialogInfo, Lamp, LampDirection, LampState

RINGING = DialogInfo(id="d1", call_id="abc@host", state="early",
                     direction=LampDirection.RECIPIENT, remote_identity="sip:alice@pbx",
                     local_tag="bobtag", remote_tag="alicetag")


def lamp(*dialogs: DialogInfo) -> Lamp:
    return Lamp("sip:bob@pbx", LampState.RINGING, dialogs=dialogs)


def test_a_ringing_recipient_dialog_gives_replaces_to_the_caller() -> None:
    plan = replaces_pickup(lamp(RINGING))
    assert plan is not None
    assert plan.uri == "sip:alice@pbx"
    assert plan.replaces == "abc@host;to-tag=alicetag;from-tag=bobtag;early-only"


@pytest.mark.parametrize("change", [
    {"direction": LampDirection.INITIATOR},  # the watched party is the caller
    {"state": "confirmed"},  # answered already
    {"call_id": ""}, {"local_tag": ""}, {"remote_tag": ""},
    {"remote_identity": "anonymous"},
])
def test_without_what_replaces_needs_there_is_no_plan(change: dict[str, object]) -> None:
    assert replaces_pickup(lamp(replace(RINGING, **change))) is None  # type: ignore[arg-type]


def test_no_lamp_no_plan() -> None:
    assert replaces_pickup(None) is None


def test_the_ringing_dialog_is_found_among_others() -> None:
    done = replace(RINGING, id="d0", state="terminated", call_id="old")
    plan = replaces_pickup(lamp(done, RINGING))
    assert plan is not None
    assert plan.replaces.startswith("abc@host;")
