"""Chat threads kept by the UI: one per normalised peer over the whole history (from the
engine's thread list), each holding only the pages of messages loaded so far; delivery
upserts and unread counts. A contact's several URIs are one thread: the engine's thread
list names the keys merged into each (``members``), and a message from any of them goes
to that thread."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from tuiphone.model.message import ChatThread, Delivery, Message
from tuiphone.ui.format import thread_key

PAGE = 50  # messages fetched per page (opening a thread, scrolling past either end)


@dataclass
class Thread:
    key: str
    uri: str  # the URI to send to
    messages: dict[str, Message] = field(default_factory=dict)  # the loaded pages, by id
    unread: int = 0
    last: Message | None = None  # the newest message of the whole thread, loaded or not
    loaded: bool = False  # pages came from the engine (else only what arrived live)
    older: bool = False  # the engine keeps messages older than the loaded ones
    newer: bool = False  # ... and newer ones (after a jump to an old message)

    def ordered(self) -> list[Message]:
        return sorted(self.messages.values(), key=lambda m: m.timestamp)


class ChatBook:
    """Loop-thread only. An update older than what is shown (the send() result arriving
    after the status events it caused) is ignored; a retry's QUEUED is not older."""

    def __init__(self) -> None:
        self.threads: dict[str, Thread] = {}
        self.alias: dict[str, str] = {}  # a merged URI's key -> its contact's thread key

    def key_of(self, uri: str) -> str:
        """The key of the thread ``uri``'s messages are shown in."""
        key = thread_key(uri)
        return self.alias.get(key, key)

    def thread(self, uri: str) -> Thread:
        key = self.key_of(uri)
        if key not in self.threads:
            self.threads[key] = Thread(key, uri)
        return self.threads[key]

    def add(self, message: Message, *, unread: bool = False) -> Thread:
        thread = self.thread(message.peer)
        old = thread.messages.get(message.id)
        if old is not None and _older(message, old):
            return thread  # the status event overtook the send() result
        if thread.last is None or message.timestamp >= thread.last.timestamp \
                or thread.last.id == message.id:
            thread.last = message
        if old is not None or not thread.newer:  # not while an old page is shown
            thread.messages[message.id] = message
        if old is None and unread and message.direction == "in":
            thread.unread += 1
        return thread

    def load(self, messages: Iterable[Message]) -> None:
        for message in sorted(messages, key=lambda m: m.timestamp):
            self.add(message)

    def load_threads(self, threads: Iterable[ChatThread], counts: bool = True) -> None:
        """The engine's thread list: every conversation ever kept, none of it loaded yet.
        A thread kept here under a key now merged into a contact's goes into that one.
        ``counts`` False (the list asked for again while messages arrive): the unread
        counts stay those kept here from the events (summed for merged threads), since
        the list may already count a message whose event is still on its way."""
        for summary in threads:
            members = summary.members or (summary.key,)
            known = [self.threads[m] for m in members if m in self.threads]
            for member in members:
                if member != summary.key:
                    self.alias[member] = summary.key
            self.alias.pop(summary.key, None)
            thread = self.threads.get(summary.key)
            if thread is None:
                thread = self.threads[summary.key] = Thread(summary.key, summary.peer)
            for member in members:
                old = self.threads.pop(member, None) if member != summary.key else None
                if old is not None:
                    thread.messages.update(old.messages)
                    thread.loaded = False  # fetch the merged pages afresh
                    if old.last is not None and (thread.last is None
                                                 or old.last.timestamp > thread.last.timestamp):
                        thread.last = old.last
            thread.uri = summary.peer
            thread.unread = summary.unread if counts else sum(t.unread for t in known)
            if thread.last is None or summary.last_message.timestamp >= thread.last.timestamp:
                thread.last = summary.last_message
            thread.older = thread.older or not thread.loaded

    def set_page(self, key: str, page: list[Message], *, replace: bool = False) -> Thread:
        """Merge a page fetched from the engine (``replace``: it is the whole window, as
        after a jump). Whether more exist either side is left to the caller."""
        thread = self.threads[key]
        if replace:
            thread.messages.clear()
        for message in page:
            thread.messages.setdefault(message.id, message)
        thread.loaded = True
        return thread

    def ordered(self) -> list[Thread]:
        """The threads, the most recently active first."""
        return sorted(self.threads.values(),
                      key=lambda t: t.last.timestamp if t.last is not None else float("inf"),
                      reverse=True)

    def drop_if_empty(self, key: str) -> None:
        thread = self.threads.get(key)
        if thread is not None and not thread.messages and thread.last is None:
            del self.threads[key]

    def total_unread(self) -> int:
        return sum(t.unread for t in self.threads.values())


def _older(new: Message, old: Message) -> bool:
    if new.delivery is Delivery.SENT and old.delivery.reached(Delivery.DELIVERED):
        return True  # the 2xx came after the receipt
    if not new.delivery.pending:
        return False
    return new.attempts < old.attempts or (
        new.attempts == old.attempts and not old.delivery.pending)
