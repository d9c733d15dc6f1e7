"""A fast path for ``line_tuples`` when the data is plain: one kind of line
ending (all CRLF or all LF) and no quoted-printable soft line break.

Each logical line is found by one C-level split (at a line ending not followed
by a fold) instead of a regex match plus Python per line, then unfolded and
decoded by the same functions as the tolerant path, so the result is the same
line for line. Anything else returns None and the tolerant path runs.
"""

from __future__ import annotations

import re

from tuiphone.contacts.vcard.lines import Line, decode, is_qp, unfold

_SPLIT_CRLF = re.compile(rb"\r\n(?![ \t])")
_SPLIT_LF = re.compile(rb"\n(?![ \t])")


def fast_lines(data: bytes) -> list[Line] | None:
    """What ``list(line_tuples(data))`` gives, or None when ``data`` is not plain."""
    crlf = data.count(b"\r\n")
    if crlf:
        if crlf != data.count(b"\r") or crlf != data.count(b"\n"):
            return None
        nl, split = b"\r\n", _SPLIT_CRLF
    elif b"\r" in data:
        return None
    else:
        nl, split = b"\n", _SPLIT_LF
    return _lines(split.split(data), nl)


def _lines(chunks: list[bytes], nl: bytes) -> list[Line] | None:
    out: list[Line] = []
    step, last = len(nl), len(chunks) - 1
    pos, lineno = 0, 1
    for i, chunk in enumerate(chunks):
        if i == last:
            if not chunk:
                break  # the data ended with a line ending
            step = 0
        content = unfold(chunk) if nl in chunk else chunk
        if content.endswith(b"=") and is_qp(content):
            return None  # a soft line break may join lines: the tolerant path knows how
        end = pos + len(chunk) + step
        out.append((pos, end, lineno, decode(content)))
        lineno += chunk.count(nl) + 1
        pos = end
    return out
