"""Joins the parts of a long text (tuiphone.model.longtext) back into one message.

Parts wait in memory, keyed by account, peer and the sender's group id, until all have
come; the joined message has an id derived from those, so a part sent again later (a
resend after a failure) never makes a second message. Parts still missing TIMEOUT_S
after the first arrived, or when the engine stops, give a message flagged truncated
that names the missing parts; should they come later, the whole text replaces it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace

from tuiphone.model.longtext import PartTag, strip_prefix
from tuiphone.model.message import Message

TIMEOUT_S = 120.0
MAX_OPEN = 64  # groups waiting at once; the oldest is flushed to make room


@dataclass(slots=True)
class _Open:
    first: Message
    total: int
    deadline: float
    pieces: dict[int, str] = field(default_factory=dict)
    truncated: bool = False


class PartJoiner:
    def __init__(self) -> None:
        self._open: dict[tuple[str, str, str, int], _Open] = {}

    def add(self, msg: Message, tag: PartTag, now: float, key: str) -> Message | None:
        """The joined message once ``msg`` completes its group, else None. ``key`` is the
        peer's normal form."""
        group = (msg.account_id, key, tag.group, tag.total)
        entry = self._open.get(group)
        if entry is None:
            entry = _Open(msg, tag.total, now + TIMEOUT_S)
            self._open[group] = entry
        entry.pieces[tag.index] = strip_prefix(msg.body, tag)
        entry.truncated = entry.truncated or msg.truncated
        if len(entry.pieces) < entry.total:
            return None
        del self._open[group]
        return _joined(group, entry)

    def too_many(self) -> list[Message]:
        """Flush the oldest groups while more than MAX_OPEN wait."""
        out = []
        while len(self._open) > MAX_OPEN:
            group = min(self._open, key=lambda g: self._open[g].deadline)
            out.append(_joined(group, self._open.pop(group)))
        return out

    def expired(self, now: float) -> list[Message]:
        """Groups whose time is up, as truncated messages."""
        done = [g for g, e in self._open.items() if e.deadline <= now]
        return [_joined(g, self._open.pop(g)) for g in done]

    def flush(self) -> list[Message]:
        return self.expired(float("inf"))

    def next_deadline(self) -> float | None:
        return min((e.deadline for e in self._open.values()), default=None)


def _joined(group: tuple[str, str, str, int], entry: _Open) -> Message:
    account_id, key, group_id, total = group
    text = []
    missing = False
    for i in range(1, total + 1):
        piece = entry.pieces.get(i)
        if piece is None:
            missing = True
            text.append(f"[… part {i}/{total} missing …]")
        else:
            text.append(piece)
    digest = hashlib.sha256(f"{account_id}\n{key}\n{group_id}".encode()).hexdigest()
    return replace(entry.first, id="parts-" + digest[:26], body="".join(text), raw=b"",
                   truncated=missing or entry.truncated, part="")
