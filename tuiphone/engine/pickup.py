"""Directed call pickup of a call ringing at a QuickDial entry: an INVITE with Replaces
(RFC 3891) built from the lamp's dialog-info (RFC 4235), or else the dial string of the
entry's ``pickup`` template (a feature code such as ``*8{ext}``). Pure functions."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from tuiphone.model.errors import UsageError
from tuiphone.model.lamp import LampDirection

if TYPE_CHECKING:
    from tuiphone.model.lamp import Lamp
    from tuiphone.model.quickdial import QuickDialEntry

_RINGING = ("trying", "proceeding", "early")


@dataclass(frozen=True, slots=True)
class ReplacesPickup:
    """Call ``uri`` (the caller) with ``Replaces: replaces``: its early dialog to the
    watched extension is replaced by ours, and it cancels the ringing there."""

    uri: str
    replaces: str


def replaces_pickup(lamp: Lamp | None) -> ReplacesPickup | None:
    """The pickup of the call ringing at ``lamp``'s extension when its dialog-info says
    enough (the watched party is the recipient, with call-id, both tags and the
    caller's identity); else None.

    RFC 3891 lets only the UA that started an early dialog replace it, so the INVITE
    goes to the caller. Its to-tag is the caller's tag (the dialog's remote-tag, seen
    from the extension), its from-tag the extension's; ``early-only``: a call answered
    meanwhile is not taken over."""
    if lamp is None:
        return None
    for dialog in lamp.dialogs:
        if (dialog.direction is LampDirection.RECIPIENT and dialog.state in _RINGING
                and dialog.call_id and dialog.local_tag and dialog.remote_tag
                and dialog.remote_identity.startswith(("sip:", "sips:"))):
            return ReplacesPickup(
                dialog.remote_identity,
                f"{dialog.call_id};to-tag={dialog.remote_tag};from-tag={dialog.local_tag}"
                ";early-only")
    return None


def extension(uri: str) -> str:
    """The user part of a URI ('201' of 'sip:201@pbx'), or a bare number as it is."""
    rest = uri.strip().strip("<>")
    if ":" in rest:
        rest = rest.split(":", 1)[1]
    return rest.split("@", 1)[0].split(";", 1)[0]


def pickup_dial(entry: QuickDialEntry) -> str:
    """``*8{ext}`` -> '*8201'; a template without ``{ext}`` gets the extension appended
    ('**' -> '**201'). Raises UsageError when the entry has no template."""
    template = (entry.pickup or "").strip()
    if not template:
        raise UsageError(f"pickup: QuickDial entry {entry.label!r} has no pickup template")
    ext = extension(entry.uri)
    return template.replace("{ext}", ext) if "{ext}" in template else template + ext
