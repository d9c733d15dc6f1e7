"""Quote-aware splitting and vCard text escaping."""

from __future__ import annotations

import re

_UNESCAPE = re.compile(r"\\(.)", re.DOTALL)
_UNESCAPED = {"n": "\n", "N": "\n", ",": ",", ";": ";", "\\": "\\", ":": ":"}


def split_quoted(text: str, sep: str) -> list[str]:
    """Split on ``sep`` outside double quotes (quotes are kept)."""
    if '"' not in text:
        return text.split(sep)
    out: list[str] = []
    buf: list[str] = []
    quoted = False
    for ch in text:
        if ch == '"':
            quoted = not quoted
        if ch == sep and not quoted:
            out.append("".join(buf))
            buf = []
        else:
            buf.append(ch)
    out.append("".join(buf))
    return out


def find_unquoted(text: str, ch: str) -> int:
    """Index of the first ``ch`` outside double quotes, or -1."""
    pos = text.find(ch)
    if pos < 0 or '"' not in text[:pos]:
        return pos
    quoted = False
    for i, c in enumerate(text):
        if c == '"':
            quoted = not quoted
        elif c == ch and not quoted:
            return i
    return -1


def unescape(value: str) -> str:
    """Undo vCard text escapes; an unknown escape keeps its backslash."""
    if "\\" not in value:
        return value
    return _UNESCAPE.sub(lambda m: _UNESCAPED.get(m.group(1), m.group(0)), value)


def split_escaped(value: str, sep: str) -> list[str]:
    """Split on ``sep`` not preceded by a backslash escape, then unescape each part."""
    if "\\" not in value:
        return value.split(sep)
    parts: list[str] = []
    buf: list[str] = []
    it = iter(value)
    for ch in it:
        if ch == "\\":
            buf.append(ch + next(it, ""))
        elif ch == sep:
            parts.append("".join(buf))
            buf = []
        else:
            buf.append(ch)
    parts.append("".join(buf))
    return [unescape(p) for p in parts]


def escape(value: str, structured: bool = False) -> str:
    """Escape text for a property value; ``structured`` leaves ``;`` for the caller."""
    out = value.replace("\\", "\\\\").replace("\r\n", "\n").replace("\r", "\n")
    out = out.replace("\n", "\\n")
    out = out.replace(",", "\\,")
    return out if structured else out.replace(";", "\\;")
