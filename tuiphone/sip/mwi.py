"""Parse RFC 3842 message-summary bodies (pure)."""

from __future__ import annotations

import re

_WAITING = re.compile(r"^\s*Messages-Waiting\s*:\s*(yes|no)\b", re.I | re.M)
_VOICE = re.compile(r"^\s*Voice-Message\s*:\s*(\d+)\s*/\s*(\d+)", re.I | re.M)


def parse_mwi(text: str) -> tuple[bool, int, int]:
    """Return (waiting, new, old) from a NOTIFY (or just its body). Missing fields are 0/False."""
    waiting = _WAITING.search(text)
    voice = _VOICE.search(text)
    new, old = (int(voice[1]), int(voice[2])) if voice else (0, 0)
    flag = waiting[1].lower() == "yes" if waiting else new > 0
    return flag, new, old
