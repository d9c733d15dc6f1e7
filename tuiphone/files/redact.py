"""File keys out of SIP text: what the trace shows, streams and may write to a file.

Its own module so that the trace (every engine, every message) does not load the
file-transfer parsers (``files.fthttp``) it never otherwise needs.
"""

from __future__ import annotations

import re

_KEYS = re.compile(r"(<(?:\w+:)?file-(?:key|authTag)>)[^<]*(</)|"
                   r'("encryption-key"\s*:\s*")[^"]*(")')
HIDDEN = "[hidden]"


def hide_keys(text: str) -> str:
    """``text`` (a SIP message) with file keys and tags (FT-HTTP XML, Acrobits JSON)
    replaced by ``[hidden]``."""
    if "file-key" not in text and "encryption-key" not in text:
        return text
    return _KEYS.sub(lambda m: f"{m[1] or m[3]}{HIDDEN}{m[2] or m[4]}", text)
