"""Long text: a text body over SAFE_BYTES goes as numbered parts, joined on receipt.

The wheel caps a whole SIP message at 4000 bytes (headers included; a 407 retry adds
Proxy-Authorization), so one MESSAGE carries at most SAFE_BYTES of text. A longer text
is cut at character boundaries (at a space or line break when one is near) into at most
MAX_PARTS parts. Each part's body starts with "(i/n) ", so any client shows it readably;
a ``Tuiphone-Part: i/n; id=ID`` header lets a tuiphone receiver join the parts into one
message again. Pure functions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

SAFE_BYTES = 2500  # of UTF-8 per MESSAGE body, leaving room for CPIM wrapping and headers
MAX_PARTS = 20
PART_HEADER = "Tuiphone-Part"
_PREFIX_ROOM = len("(20/20) ")
_HEADER = re.compile(r"^\s*(\d{1,3})\s*/\s*(\d{1,3})\s*;\s*id\s*=\s*([A-Za-z0-9._~-]{1,64})\s*$")
_BREAK_SCAN = 200  # how far back from a cut to look for a space or line break


@dataclass(frozen=True, slots=True)
class PartTag:
    """One part's place: ``index`` of ``total`` (1-based) of the message ``group``."""

    index: int
    total: int
    group: str

    def header(self) -> str:
        return f"{self.index}/{self.total}; id={self.group}"


def part_count(text: str) -> int:
    """How many MESSAGEs ``text`` takes: 1 up to SAFE_BYTES, else its number of parts
    (may exceed MAX_PARTS: the caller refuses such a text)."""
    if len(text.encode("utf-8")) <= SAFE_BYTES:
        return 1
    return len(_cut(text))


def split(text: str) -> list[str]:
    """The bodies to send, each at most SAFE_BYTES of UTF-8: ``[text]`` when it fits,
    else "(i/n) " followed by the i-th piece. Joining the pieces gives ``text`` back."""
    if len(text.encode("utf-8")) <= SAFE_BYTES:
        return [text]
    pieces = _cut(text)
    return [f"({i}/{len(pieces)}) {p}" for i, p in enumerate(pieces, 1)]


def strip_prefix(body: str, tag: PartTag) -> str:
    """A part's piece of text, without its "(i/n) " prefix."""
    prefix = f"({tag.index}/{tag.total}) "
    return body[len(prefix):] if body.startswith(prefix) else body


def parse_header(value: str) -> PartTag | None:
    """A Tuiphone-Part header's value, or None when it is malformed or out of range."""
    m = _HEADER.match(value)
    if m is None:
        return None
    index, total = int(m.group(1)), int(m.group(2))
    if not 1 <= index <= total <= MAX_PARTS or total < 2:
        return None
    return PartTag(index, total, m.group(3))


def _cut(text: str) -> list[str]:
    room = SAFE_BYTES - _PREFIX_ROOM
    pieces: list[str] = []
    rest = text
    while rest:
        if len(rest.encode("utf-8")) <= room:
            pieces.append(rest)
            break
        end = _fit(rest, room)
        cut = _nicer(rest, end)
        pieces.append(rest[:cut])
        rest = rest[cut:]
    return pieces


def _fit(text: str, room: int) -> int:
    """The most characters of ``text`` whose UTF-8 fits in ``room`` bytes."""
    lo, hi = 1, len(text)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if len(text[:mid].encode("utf-8")) <= room:
            lo = mid
        else:
            hi = mid - 1
    return lo


def _nicer(text: str, end: int) -> int:
    """A cut at or before ``end`` just after a line break or space, when one is near."""
    window = text[max(0, end - _BREAK_SCAN):end]
    for sep in ("\n", " "):
        at = window.rfind(sep)
        if at > 0:
            return end - len(window) + at + 1
    return end
