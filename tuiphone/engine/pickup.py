"""Directed call pickup: the dial string of a QuickDial entry's ``pickup`` template."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tuiphone.model.errors import UsageError

if TYPE_CHECKING:
    from tuiphone.model.quickdial import QuickDialEntry


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
