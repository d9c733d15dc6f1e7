"""Turn pjsua's raw dialog-event info into a Lamp. Pure functions, no pjsua2.

Normalises what Kamailio 5.6 sends: ``Trying`` in capitals, NOTIFYs with no dialog or
an empty state, and a stale ``terminated`` dialog of the previous call right after
subscribing (it means idle, and says nothing about when the line went idle).
"""

from __future__ import annotations

from dataclasses import replace

from tuiphone.model.lamp import DialogInfo, Lamp, LampDirection, LampState
from tuiphone.sip.blf.body import DialogInfoDoc
from tuiphone.sip.blf.native import RawDlgInfo

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
_RANK = {LampState.BUSY: 3, LampState.HOLD: 2, LampState.RINGING: 1}


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
        id=raw.dialog_id,
        call_id=raw.call_id,
        state=norm(raw.state),
        direction=direction_of(raw.direction),
        remote_identity=raw.remote_identity or raw.remote_target,
        local_tag=raw.local_tag,
        remote_tag=raw.remote_tag,
    )


def _struct_dialogs(raw: RawDlgInfo) -> tuple[DialogInfo, ...]:
    dialog = dialog_of(raw)
    return () if dialog is None else (dialog,)


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


def dialog_state(dialog: DialogInfo) -> LampState | None:
    """The lamp one dialog asks for; None for a state RFC 4235 does not define."""
    state = _DIALOG_STATES.get(dialog.state, LampState.IDLE if not dialog.state else None)
    return LampState.HOLD if state is LampState.BUSY and dialog.on_hold else state


def dialogs_lamp(uri: str, dialogs: tuple[DialogInfo, ...]) -> Lamp:
    """Busy beats hold beats ringing; the winning dialog gives direction and remote.
    Terminated dialogs (Kamailio's stale one included) are dropped."""
    rated = [(dialog_state(d), d) for d in dialogs]
    live = [(s, d) for s, d in rated if s is not None and s is not LampState.IDLE]
    if live:
        state, lead = max(live, key=lambda pair: _RANK[pair[0]])
        return Lamp(
            uri, state, lead.direction, lead.remote_identity, dialogs=tuple(d for _, d in live)
        )
    odd = tuple(d for s, d in rated if s is None)
    if odd:
        return Lamp(uri, LampState.UNKNOWN, dialogs=odd, reason=f"dialog state {odd[0].state!r}")
    return Lamp(uri, LampState.IDLE)


def merged(doc: DialogInfoDoc, previous: Lamp | None) -> tuple[DialogInfo, ...]:
    """A "partial" document updates the previous dialogs by id; "full" replaces them."""
    if doc.state != "partial" or previous is None:
        return doc.dialogs
    by_id = {d.id: d for d in previous.dialogs}
    by_id.update((d.id, d) for d in doc.dialogs)
    return tuple(by_id.values())


def to_lamp(
    uri: str,
    raw: RawDlgInfo,
    previous: Lamp | None,
    now: float,
    doc: DialogInfoDoc | None = None,
) -> Lamp:
    """Map ``raw`` (and the full body ``doc`` when one was read) to a Lamp for ``uri``;
    ``since`` is kept while the state holds, is ``now`` on a change, and None for the
    first known state."""
    lamp = subscription_lamp(uri, raw)
    if lamp is None:
        dialogs = merged(doc, previous) if doc is not None else _struct_dialogs(raw)
        lamp = dialogs_lamp(uri, dialogs)
    if previous is not None and previous.state is lamp.state:
        since = previous.since
    elif previous is None or previous.state in (LampState.UNKNOWN, LampState.FAILED):
        since = None
    else:
        since = now
    return replace(lamp, since=since)
