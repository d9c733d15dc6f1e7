"""The Lamp value type and its UI badge."""

from __future__ import annotations

from dataclasses import FrozenInstanceError

import pytest

from tuiphone.model.lamp import Lamp, LampDirection, LampState, lamp_badge


def test_state_values_are_the_documented_set() -> None:
    assert [s.value for s in LampState] == [
        "idle", "ringing", "busy", "hold", "away", "dnd", "offline", "failed", "unknown",
    ]
    assert {d.value for d in LampDirection} == {"initiator", "recipient", "none"}


@pytest.mark.parametrize(
    ("state", "badge"),
    [(LampState.IDLE, "○ I"), (LampState.RINGING, "◎ R"), (LampState.BUSY, "● B"),
     (LampState.HOLD, "◐ H"), (LampState.AWAY, "◌ A"), (LampState.DND, "⊘ D"),
     (LampState.OFFLINE, "· O"), (LampState.FAILED, "✕ F"), (LampState.UNKNOWN, "? U")],
)
def test_badge_is_glyph_and_letter(state: LampState, badge: str) -> None:
    assert lamp_badge(state) == badge


def test_badges_are_distinct_without_colour() -> None:
    letters = {lamp_badge(s)[-1] for s in LampState}
    assert len(letters) == len(LampState)


def test_lamp_is_frozen_with_defaults() -> None:
    lamp = Lamp("sip:a@x", LampState.IDLE)
    assert (lamp.direction, lamp.remote, lamp.since, lamp.dialogs, lamp.code) == (
        LampDirection.NONE, "", None, (), 0,
    )
    with pytest.raises(FrozenInstanceError):
        lamp.state = LampState.BUSY  # type: ignore[misc]
