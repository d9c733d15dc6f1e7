"""Joins the parts of a long text (tuiphone.model.longtext) back into one message.

Parts wait, keyed by account, peer and the sender's group id, until all have come; the
joined message has an id derived from those, so a part sent again later (a resend after
a failure) never makes a second message. Parts still missing TIMEOUT_S after the first
arrived give a message flagged truncated that names the missing parts; should they come
later, the whole text replaces it. The joined message carries every part's
imdn.Message-ID (space-separated), so each part's sender gets its receipt.

The joiner itself is memory only: Chat keeps each part in the database as it comes and
gives the waiting ones back after a restart (their deadline counts from when the first
arrived); ``done`` lists the groups that left since Chat last looked, to forget them
there once the joined message is stored.
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
    imdn_ids: dict[int, str] = field(default_factory=dict)
    truncated: bool = False


Group = tuple[str, str, str, int]  # account, peer key, sender's group id, total


class PartJoiner:
    def __init__(self) -> None:
        self._open: dict[Group, _Open] = {}
        self.done: list[Group] = []  # groups joined or given up since Chat last looked

    def add(self, msg: Message, tag: PartTag, now: float, key: str) -> Message | None:
        """The joined message once ``msg`` completes its group, else None. ``key`` is the
        peer's normal form."""
        group = (msg.account_id, key, tag.group, tag.total)
        entry = self._open.get(group)
        if entry is None:
            entry = _Open(msg, tag.total, now + TIMEOUT_S)
            self._open[group] = entry
        entry.pieces[tag.index] = strip_prefix(msg.body, tag)
        if msg.imdn_id:
            entry.imdn_ids[tag.index] = msg.imdn_id
        entry.truncated = entry.truncated or msg.truncated
        if len(entry.pieces) < entry.total:
            return None
        return self._close(group)

    def _close(self, group: Group) -> Message:
        self.done.append(group)
        return _joined(group, self._open.pop(group))

    def too_many(self) -> list[Message]:
        """Flush the oldest groups while more than MAX_OPEN wait."""
        out = []
        while len(self._open) > MAX_OPEN:
            group = min(self._open, key=lambda g: self._open[g].deadline)
            out.append(self._close(group))
        return out

    def expired(self, now: float) -> list[Message]:
        """Groups whose time is up, as truncated messages."""
        due = [g for g, e in self._open.items() if e.deadline <= now]
        return [self._close(g) for g in due]

    def flush(self, groups: set[Group] | None = None) -> list[Message]:
        """Give up on ``groups`` (all when None) now, as truncated messages."""
        chosen = [g for g in self._open if groups is None or g in groups]
        return [self._close(g) for g in chosen]

    def next_deadline(self) -> float | None:
        return min((e.deadline for e in self._open.values()), default=None)


def _joined(group: Group, entry: _Open) -> Message:
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
    ids = " ".join(entry.imdn_ids[i] for i in sorted(entry.imdn_ids))
    return replace(entry.first, id="parts-" + digest[:26], body="".join(text), raw=b"",
                   truncated=missing or entry.truncated, part="", imdn_id=ids)
