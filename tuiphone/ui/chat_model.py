"""Chat threads kept by the UI: messages by thread, delivery upserts, unread counts."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from tuiphone.model.message import Delivery, Message
from tuiphone.ui.format import thread_key


@dataclass
class Thread:
    key: str
    uri: str  # the URI to send to
    messages: dict[str, Message] = field(default_factory=dict)
    unread: int = 0


class ChatBook:
    """Loop-thread only. An update older than what is shown (the send() result arriving
    after the status events it caused) is ignored; a retry's QUEUED is not older."""

    def __init__(self) -> None:
        self.threads: dict[str, Thread] = {}

    def thread(self, uri: str) -> Thread:
        key = thread_key(uri)
        if key not in self.threads:
            self.threads[key] = Thread(key, uri)
        return self.threads[key]

    def add(self, message: Message, *, unread: bool = False) -> Thread:
        thread = self.thread(message.peer)
        old = thread.messages.get(message.id)
        if old is not None and _older(message, old):
            return thread  # the status event overtook the send() result
        thread.messages[message.id] = message
        if old is None and unread and message.direction == "in":
            thread.unread += 1
        return thread

    def load(self, messages: Iterable[Message]) -> None:
        for message in sorted(messages, key=lambda m: m.timestamp):
            self.add(message)

    def drop_if_empty(self, key: str) -> None:
        thread = self.threads.get(key)
        if thread is not None and not thread.messages:
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
