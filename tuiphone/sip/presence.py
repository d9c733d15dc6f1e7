"""Presence (PIDF/RPID) lamps and our own published status, on the pjsip thread.

One pjsua buddy holds ONE subscription (lab-facts Q3), so a URI watched for both
dialog events and presence has two buddies: the BlfWatcher's and a ``PresenceBuddy``.
``merge`` folds the two lamps of one URI into the one a user sees.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace

import pjsua2 as pj

from tuiphone.model.errors import UsageError
from tuiphone.model.lamp import Lamp, LampState
from tuiphone.sip.guard import guarded
from tuiphone.sip.text import clean

log = logging.getLogger("tuiphone.sip.presence")
_ACTIVE = (LampState.RINGING, LampState.BUSY, LampState.HOLD)
_PRESENT = (LampState.AWAY, LampState.DND, LampState.OFFLINE, LampState.BUSY)
_DND_WORDS = ("dnd", "do not disturb", "do-not-disturb")

# our state -> (status, activity, default note)
_PUBLISH = {
    "available": (pj.PJSUA_BUDDY_STATUS_ONLINE, pj.PJRPID_ACTIVITY_UNKNOWN, ""),
    "away": (pj.PJSUA_BUDDY_STATUS_ONLINE, pj.PJRPID_ACTIVITY_AWAY, "Away"),
    "dnd": (pj.PJSUA_BUDDY_STATUS_ONLINE, pj.PJRPID_ACTIVITY_BUSY, "Do not disturb"),
    "busy": (pj.PJSUA_BUDDY_STATUS_ONLINE, pj.PJRPID_ACTIVITY_BUSY, "On the phone"),
    "on-the-phone": (pj.PJSUA_BUDDY_STATUS_ONLINE, pj.PJRPID_ACTIVITY_BUSY, "On the phone"),
    "offline": (pj.PJSUA_BUDDY_STATUS_OFFLINE, pj.PJRPID_ACTIVITY_UNKNOWN, "Offline"),
}


def status_for(state: str, note: str) -> pj.PresenceStatus:
    """The PresenceStatus to publish for ``state``. Raises UsageError."""
    try:
        status, activity, default_note = _PUBLISH[state]
    except KeyError:
        raise UsageError(f"unknown presence {state!r} (one of: {', '.join(_PUBLISH)})") from None
    ps = pj.PresenceStatus()
    ps.status = status
    ps.activity = activity
    ps.note = note or default_note
    return ps


def lamp_from_info(uri: str, info: pj.BuddyInfo) -> Lamp:
    """A presence lamp from pjsua's BuddyInfo."""
    if info.subState == pj.PJSIP_EVSUB_STATE_TERMINATED and int(info.subTermCode) >= 300:
        return Lamp(uri, LampState.FAILED, code=int(info.subTermCode),
                    reason=clean(str(info.subTermReason)))
    ps = info.presStatus
    note = clean(str(ps.note))
    if ps.status == pj.PJSUA_BUDDY_STATUS_OFFLINE:
        state = LampState.OFFLINE
    elif ps.status != pj.PJSUA_BUDDY_STATUS_ONLINE:
        state = LampState.UNKNOWN
    elif ps.activity == pj.PJRPID_ACTIVITY_AWAY:
        state = LampState.AWAY
    elif ps.activity == pj.PJRPID_ACTIVITY_BUSY:
        dnd = any(w in note.lower() for w in _DND_WORDS)
        state = LampState.DND if dnd else LampState.BUSY
    else:
        state = LampState.IDLE
    return Lamp(uri, state, reason=note)


def merge(blf: Lamp | None, pres: Lamp | None) -> Lamp | None:
    """One lamp from the dialog-event and presence lamps of a URI: a call in progress
    wins, then away/dnd/offline/busy from presence, then a working subscription."""
    if blf is None or pres is None:
        return blf or pres
    if blf.state in _ACTIVE:
        return blf
    if pres.state in _PRESENT:
        return replace(pres, uri=blf.uri)
    if blf.state is LampState.IDLE or pres.state in (LampState.UNKNOWN, LampState.FAILED):
        return blf
    return replace(pres, uri=blf.uri)


class PresenceBuddy(pj.Buddy):  # type: ignore[misc]
    """A subscribing buddy whose state changes become presence lamps."""

    def __init__(self, uri: str, on_lamp: Callable[[Lamp], None]) -> None:
        super().__init__()
        self.uri = uri
        self._on_lamp = on_lamp

    @guarded
    def onBuddyState(self) -> None:
        self._on_lamp(lamp_from_info(self.uri, self.getInfo()))

    @guarded
    def onBuddyEvSubState(self, prm: pj.OnBuddyEvSubStateParam) -> None:
        self._on_lamp(lamp_from_info(self.uri, self.getInfo()))
