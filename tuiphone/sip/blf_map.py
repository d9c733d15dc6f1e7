"""Turn pjsua's raw dialog-event info into a Lamp. Pure functions, no pjsua2.

Normalises what Kamailio 5.6 sends: ``Trying`` in capitals, NOTIFYs with no dialog or
an empty state, and a stale ``terminated`` dialog of the previous call right after
subscribing (it means idle, and says nothing about when the line went idle).
"""

from __future__ import annotations

from dataclasses import replace

from tuiphone.model.lamp import DialogInfo, Lamp, LampDirection, LampState
from tuiphone.sip.blf_native import RawDlgInfo

SUB_ACTIVE = 4  # PJSIP_EVSUB_STATE_ACTIVE
SUB_TERMINATED = 5  # PJSIP_EVSUB_STATE_TERMINATED
# Terminated with these reasons (RFC 6665), the notifier will not serve this watcher.
_REFUSED = frozenset({"rejected", "noresource", "giveup"})
_DIALOG_STATES = {
    "trying": LampState.RINGING,
    "proceeding": LampState.RINGING,
    "early": LampState.RINGING,
    "confirmed": LampState.BUSY,
    "terminated": LampState.IDLE,
}


def norm(text: str) -> str:
    """Case- and space-normalised token (Kamailio says ``Trying``)."""
    return text.strip().lower()


def direction_of(text: str) -> LampDirection:
    try:
        return LampDirection(norm(text))
    except ValueError:
        return LampDirection.NONE


def dialog_of(raw: RawDlgInfo) -> DialogInfo | None:
    """The one dialog pjsua keeps (it parses only the first ``<dialog>``), or None."""
    if not (raw.dialog_id or raw.state or raw.call_id):
        return None
    return DialogInfo(
        id=raw.dialog_id, call_id=raw.call_id, state=norm(raw.state),
        direction=direction_of(raw.direction),
        remote_identity=raw.remote_identity or raw.remote_target,
        local_tag=raw.local_tag, remote_tag=raw.remote_tag,
    )


def subscription_lamp(uri: str, raw: RawDlgInfo) -> Lamp | None:
    """FAILED/UNKNOWN when the subscription itself decides the lamp, else None."""
    if raw.term_code >= 300:
        return Lamp(uri, LampState.FAILED, code=raw.term_code, reason=raw.term_reason)
    ended = raw.sub_state in (SUB_TERMINATED, 0) and (raw.term_code or raw.term_reason)
    if ended and norm(raw.term_reason) in _REFUSED:
        return Lamp(uri, LampState.FAILED, code=raw.term_code, reason=raw.term_reason)
    if raw.sub_state == SUB_TERMINATED or (raw.sub_state != SUB_ACTIVE and not raw.info_state):
        # pjsua resubscribes by itself after timeout/deactivated; nothing known meanwhile.
        return Lamp(uri, LampState.UNKNOWN, code=raw.term_code, reason=raw.term_reason)
    return None


def dialog_lamp(uri: str, raw: RawDlgInfo) -> Lamp:
    """The lamp an active subscription's last NOTIFY describes."""
    dialog = dialog_of(raw)
    if dialog is None:
        return Lamp(uri, LampState.IDLE)
    state = _DIALOG_STATES.get(dialog.state, LampState.IDLE if not dialog.state else None)
    if state is None:
        return Lamp(uri, LampState.UNKNOWN, dialogs=(dialog,), reason=f"dialog state {dialog.state!r}")
    if state is LampState.IDLE:
        return Lamp(uri, LampState.IDLE)
    return Lamp(uri, state, dialog.direction, dialog.remote_identity, dialogs=(dialog,))


def to_lamp(uri: str, raw: RawDlgInfo, previous: Lamp | None, now: float) -> Lamp:
    """Map ``raw`` to a Lamp for ``uri``; ``since`` is kept while the state holds, is
    ``now`` on a change, and None for the first known state."""
    lamp = subscription_lamp(uri, raw) or dialog_lamp(uri, raw)
    if previous is not None and previous.state is lamp.state:
        since = previous.since
    elif previous is None or previous.state in (LampState.UNKNOWN, LampState.FAILED):
        since = None
    else:
        since = now
    return replace(lamp, since=since)
