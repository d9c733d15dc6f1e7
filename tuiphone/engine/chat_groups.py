"""One chat thread per contact: a contact with several SIP/tel URIs talks in one thread.

The database keeps a thread per normalised peer (``peer_key``). Here the stored threads
whose peers caller ID finds in the same contact (the contacts' caller-ID table: SIP
``user@host`` and phone numbers, so ``sip:+4930123@provider`` joins the card's ``tel:``
number) are merged: the merged thread's key is the smallest of its members' keys (stable
while they stay), its ``peer`` the newest message's peer (a reply goes to the URI last
used), its unread count the sum. ``members`` gives every key of a peer's group, so
paging, search and marking read cover the whole contact. A peer no contact knows is a
group of its own. The grouping is worked out again when the contact book changes or a
peer shows up that it has not seen. Loop-thread only.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from tuiphone.model.message import ChatThread, peer_key

ContactOf = Callable[[str], "str | None"]  # a URI's contact id (caller ID), or None


class ThreadGroups:
    def __init__(self, threads: Callable[[], list[ChatThread]]) -> None:
        self._threads = threads
        self.contact_of: ContactOf = lambda uri: None
        self.version: Callable[[], object] = lambda: None  # changes when the book does
        self._group: dict[str, str] | None = None  # peer key -> its group's key
        self._seen: object = None

    def merged(self) -> list[ChatThread]:
        """The stored threads, one per contact, the most recently active first."""
        raw = self._threads()
        self._build(raw)
        assert self._group is not None
        out: dict[str, ChatThread] = {}
        for thread in raw:  # newest first: the first of a group gives its peer
            key = self._group.get(thread.key, thread.key)
            have = out.get(key)
            if have is None:
                out[key] = dataclasses.replace(thread, key=key, members=(thread.key,))
            else:
                out[key] = dataclasses.replace(have, unread=have.unread + thread.unread,
                                               members=(*have.members, thread.key))
        return [dataclasses.replace(t, members=tuple(sorted(t.members)))
                for t in out.values()]

    def members(self, peer: str) -> tuple[str, ...]:
        """Every thread key of ``peer``'s group (its own key alone when it has none)."""
        key = peer_key(peer)
        if self._group is None or key not in self._group or self.version() is not self._seen:
            self._build(self._threads())
        assert self._group is not None
        group = self._group.get(key, key)
        return tuple(sorted(k for k, g in self._group.items() if g == group)) or (key,)

    def _build(self, raw: list[ChatThread]) -> None:
        self._seen = self.version()
        by_contact: dict[str, list[str]] = {}
        owner: dict[str, str] = {}
        for thread in raw:
            contact = self.contact_of(thread.peer)
            if contact:
                by_contact.setdefault(contact, []).append(thread.key)
                owner[thread.key] = contact
        self._group = {t.key: min(by_contact[owner[t.key]]) if t.key in owner else t.key
                       for t in raw}
