"""Parse RFC 3842 message-summary bodies (pure)."""

from __future__ import annotations

import re

_WAITING = re.compile(r"^\s*Messages-Waiting\s*:\s*(yes|no)\b", re.I | re.M)
_VOICE = re.compile(r"^\s*Voice-Message\s*:\s*(\d{1,9})\s*/\s*(\d{1,9})\b", re.I | re.M)


def parse_mwi(text: str) -> tuple[bool, int, int] | None:
    """(waiting, new, old) from a NOTIFY or just its body; a missing Voice-Message line
    counts 0/0. None when it is no message-summary (no Messages-Waiting line, which
    RFC 3842 requires): such a body must not put out a lamp that is on."""
    head, sep, body = text.partition("\r\n\r\n")
    waiting = _WAITING.search(body if sep else head)
    if waiting is None:
        return None
    voice = _VOICE.search(body if sep else head)
    new, old = (int(voice[1]), int(voice[2])) if voice else (0, 0)
    return waiting[1].lower() == "yes", new, old
