"""Which layout fits: a grid of panes on big terminals, tabs on small ones."""

from __future__ import annotations

from textual.geometry import Size

PANES: tuple[tuple[str, str], ...] = (
    ("dialpad", "Dialpad"),
    ("calls", "Calls"),
    ("chat", "Chat"),
    ("quickdial", "QuickDial"),
    ("contacts", "Contacts"),
    ("ladder", "SIP ladder"),
)
WIDE_MIN = Size(120, 34)


def is_wide(size: Size, preference: str = "auto") -> bool:
    """``preference`` is the config's ui.layout: auto | wide | narrow."""
    if preference in ("wide", "narrow"):
        return preference == "wide"
    return size.width >= WIDE_MIN.width and size.height >= WIDE_MIN.height
