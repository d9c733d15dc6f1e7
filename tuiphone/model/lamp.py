"""Busy-lamp-field (BLF) state of one watched URI, from RFC 4235 dialog events."""

from __future__ import annotations

import enum
from dataclasses import dataclass


class LampState(enum.Enum):
    IDLE = "idle"
    RINGING = "ringing"  # a dialog in trying/proceeding/early
    BUSY = "busy"  # a confirmed dialog
    HOLD = "hold"  # confirmed, and the notifier says the media is not rendered
    AWAY = "away"  # from presence, never from dialog events
    DND = "dnd"  # from presence, never from dialog events
    OFFLINE = "offline"
    FAILED = "failed"  # the subscription was refused or timed out; see Lamp.code
    UNKNOWN = "unknown"  # subscribed, no usable NOTIFY yet


class LampDirection(enum.Enum):
    INITIATOR = "initiator"  # the watched party placed the call
    RECIPIENT = "recipient"  # the watched party is being called
    NONE = "none"


@dataclass(frozen=True, slots=True)
class DialogInfo:
    """One ``<dialog>`` element of a dialog-info document, normalised (lower-case state).

    ``on_hold`` is True when a ``<target>`` says ``+sip.rendering="no"`` (RFC 4235 4.1.6.2).
    """

    id: str
    call_id: str
    state: str
    direction: LampDirection
    remote_identity: str
    local_tag: str = ""
    remote_tag: str = ""
    on_hold: bool = False


@dataclass(frozen=True, slots=True)
class Lamp:
    """What a watcher knows about ``uri``.

    ``remote`` is the other party of the dialog that decided the state ("" if none);
    ``since`` is the wall-clock time the state was first seen, None when the state came
    from the first NOTIFY (its real start is unknown). ``code``/``reason`` carry the last
    SIP status of the subscription (e.g. 403 for ``failed``), 0/"" while all is well.
    """

    uri: str
    state: LampState
    direction: LampDirection = LampDirection.NONE
    remote: str = ""
    since: float | None = None
    dialogs: tuple[DialogInfo, ...] = ()
    code: int = 0
    reason: str = ""


_BADGES = {
    LampState.IDLE: "○ I",
    LampState.RINGING: "◎ R",
    LampState.BUSY: "● B",
    LampState.HOLD: "◐ H",
    LampState.AWAY: "◌ A",
    LampState.DND: "⊘ D",
    LampState.OFFLINE: "· O",
    LampState.FAILED: "✕ F",
    LampState.UNKNOWN: "? U",
}


def lamp_badge(state: LampState) -> str:
    """A glyph plus a letter, so the state reads without colour (and on dumb terminals)."""
    return _BADGES[state]
