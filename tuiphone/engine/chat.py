"""Chat for a Phone. An outgoing MESSAGE is refused when its body can never fit, else
stored QUEUED and sent by the Outbox; a message that cannot be stored (a full disk) is
still sent once, untracked (``save`` reports the failure). A text over
``longtext.SAFE_BYTES`` goes as numbered parts (at most ``longtext.MAX_PARTS``).

An incoming MESSAGE is unwrapped (CPIM, see receipts.py), joined when it is one part of
a long text (parts.py; each part is kept in the database until its text is whole, so a
restart between parts loses none), stored and published once: a retransmission (same id, which the
SIP layer derives from Call-ID and CSeq, and receipts.py from imdn.Message-ID) is
dropped. IMDN notifications move our messages on; is-composing indications become
TypingChanged events (composing.py). Loop-thread only.
"""

from __future__ import annotations

import asyncio
import dataclasses
import functools
import time
from collections.abc import Callable, Coroutine
from typing import TYPE_CHECKING, Any

from tuiphone.engine.accounts import AccountBook
from tuiphone.engine.chat_groups import ThreadGroups
from tuiphone.engine.composing import Composing
from tuiphone.engine.echo import ECHO_ID
from tuiphone.engine.outbox import PART_SEP, Outbox, Save, Wire
from tuiphone.engine.parts import Group, PartJoiner
from tuiphone.engine.receipts import Receipts
from tuiphone.model import longtext
from tuiphone.model.account import RegState
from tuiphone.model.backend import SipBackend
from tuiphone.model.errors import LimitExceeded
from tuiphone.model.events import (
    Event,
    MessageReceived,
    MessageStatus,
    Notice,
    RegistrationChanged,
    TypingChanged,
)
from tuiphone.model.files import FILE_TYPES
from tuiphone.model.ids import random_id
from tuiphone.model.message import (
    MAX_BODY,
    ChatThread,
    Delivery,
    Message,
    ThreadRead,
    peer_key,
)
from tuiphone.store import Store
from tuiphone.store.parts import StoredPart

if TYPE_CHECKING:  # file messages load their modules when one arrives
    from tuiphone.engine.file_receive import FileReceiver
    from tuiphone.files.offer import FileOffer

_CAN_SEND = (RegState.REGISTERED, RegState.NONE)
Spawn = Callable[[Coroutine[Any, Any, None]], None]


class Chat:
    def __init__(self, backend: SipBackend, store: Store, accounts: AccountBook,
                 outbox: Outbox, save: Save, publish: Callable[[Event], None],
                 spawn: Spawn) -> None:
        self._backend = backend
        self._store = store
        self._accounts = accounts
        self.outbox = outbox
        self._save = save
        self._publish = publish
        self.receipts = Receipts(accounts, backend.send_message, spawn)
        self.composing = Composing(backend.send_typing, spawn, publish, self._typing_on)
        self.parts = PartJoiner()
        self._unsaved: set[Group] = set()  # waiting parts the database did not take
        self._parts_timer: asyncio.TimerHandle | None = None
        self._files: FileReceiver | None = None
        # builds ``files`` on first use (a one-shot command never needs it)
        self.make_files: Callable[[], FileReceiver] | None = None
        self.groups = ThreadGroups(store.threads)  # one thread per contact (caller ID)
        outbox.prepare = self.wires
        outbox.refused = self.receipts.refused

    @property
    def files(self) -> FileReceiver | None:
        """The receiver of file messages (features.file_sharing), None without one."""
        if self._files is None and self.make_files is not None:
            self._files = self.make_files()
        return self._files

    @files.setter
    def files(self, receiver: FileReceiver | None) -> None:
        self._files = receiver

    def _typing_on(self, account_id: str) -> bool:
        cfg = self._accounts.configs.get(account_id)
        return cfg is not None and cfg.features.typing

    async def send(self, uri: str, body: str, account_id: str | None, content_type: str
                   ) -> Message:
        """The stored message, QUEUED (``parts`` says how many MESSAGEs a long text
        takes). Raises LimitExceeded (nothing stored) for a text over MAX_PARTS parts or
        another body over MAX_BODY bytes, NotFound for an unknown account, InvalidUri."""
        size = len(body.encode("utf-8"))
        parts = longtext.part_count(body) if _is_text(content_type) else 1
        if parts > longtext.MAX_PARTS:
            raise LimitExceeded(
                f"message text is {size} bytes; at most {longtext.MAX_PARTS} parts of "
                f"{longtext.SAFE_BYTES} bytes are sent (nothing was sent or stored)")
        if not _is_text(content_type) and size > MAX_BODY:
            raise LimitExceeded(f"message body is {size} bytes; at most {MAX_BODY} fit in "
                                "one SIP MESSAGE (nothing was sent or stored)")
        acc = self._accounts.account(account_id)
        target = self._accounts.resolve_target(uri, acc).uri
        msg = Message(
            id=random_id(),
            account_id=acc.id,
            direction="out",
            peer=target,
            body=body,
            content_type=content_type,
            timestamp=time.time(),
            delivery=Delivery.QUEUED,
            parts=parts if parts > 1 else 0,
        )
        self.composing.sent(acc.id, target)
        if self._save("chat", lambda: self._store.add_message(msg)):
            self.outbox.kick()
        else:
            for wire in self.wires(msg):
                await self._backend.send_message(acc.id, target, wire.body, wire.content_type,
                                                 wire.id, wire.headers)
            # sent without the outbox; its record waits out a lock (as sent: it went)
            sent = dataclasses.replace(msg, delivery=Delivery.SENT)
            self._save("chat", lambda: self._store.add_message(sent), keep=True)
        return msg

    def start(self) -> None:
        """Take back the parts of long texts that were waiting when the engine stopped
        (those whose time is up give their truncated message at once)."""
        stored: list[list[StoredPart]] = []
        self._save("chat", lambda: stored.append(self._store.waiting_parts()))
        for part in stored[0] if stored else []:
            tag = longtext.PartTag(part.index, part.total, part.group)
            joined = self.parts.add(part.message, tag, part.message.timestamp,
                                    peer_key(part.message.peer))
            if joined is not None:
                self._flush_parts([joined])
        self._flush_parts(self.parts.expired(time.time()))
        self._arm_parts_timer()

    def wires(self, msg: Message) -> list[Wire]:
        """The MESSAGEs that carry ``msg``: numbered parts for a long text, else one;
        each in CPIM (asking for receipts, its imdn.Message-ID ``<id>~<n>`` for part n)
        when receipts.py says so."""
        if _is_text(msg.content_type) and len(msg.body.encode("utf-8")) > longtext.SAFE_BYTES:
            bodies = longtext.split(msg.body)
            n = len(bodies)
            return [dataclasses.replace(
                self.receipts.wire(msg, f"{msg.id}{PART_SEP}{i}", b),
                headers=((longtext.PART_HEADER, longtext.PartTag(i, n, msg.id).header()),))
                for i, b in enumerate(bodies, 1)]
        return [self.receipts.wire(msg)]

    async def typed(self, uri: str, account_id: str | None) -> bool:
        acc = self._accounts.account(account_id)
        target = self._accounts.resolve_target(uri, acc).uri
        return self.composing.typed(acc.id, target)

    def read(self, peer: str) -> int:
        """Mark the thread of ``peer`` read (any spelling of its URI); display
        notifications go out for the messages just read that asked for one (with
        ``features.read_receipts``). Returns how many messages were unread."""
        done: list[ThreadRead] = []
        members = self.groups.members(peer)
        self._save("chat", lambda: done.append(self._store.mark_read(members)))
        if not done:
            return 0
        for msg in done[0].to_notify:
            self.receipts.notify(msg, "display")
        return done[0].unread

    def on_event(self, event: Event) -> Event | None:
        """The event to publish in place of ``event``; None for a duplicate, a part of a
        long text still waiting for the rest, or a notification that changes nothing."""
        match event:
            case MessageReceived(message=msg) if msg.account_id != ECHO_ID:
                return self._received(msg)
            case MessageStatus(message=msg) if msg.account_id != ECHO_ID:
                if msg.id in self.receipts.ours:
                    self.receipts.ours.discard(msg.id)
                    return None  # our notification's own delivery: not a chat message
                done = self.outbox.on_status(msg)
                return None if done is None else MessageStatus(done)
            case TypingChanged() if event.account_id != ECHO_ID:
                return self.composing.received(event)
            case RegistrationChanged(account=state) if state.reg_state in _CAN_SEND:
                self.outbox.kick()
                return event
            case _:
                return event

    def _received(self, msg: Message) -> Event | None:
        got = self.receipts.unwrap(msg)
        if got.problem:
            self._publish(Notice("warning", f"MESSAGE from {msg.peer}: {got.problem}"))
        if got.receipt is not None:
            done = self.receipts.apply(got.receipt, msg.account_id, msg.peer,
                                       self._store.message, self._store.update_delivery,
                                       self._store.part_receipt)
            return None if done is None else MessageStatus(done)
        if got.composing is not None:
            return self.composing.received(TypingChanged(
                msg.account_id, msg.peer, got.composing.active, got.composing.refresh_s))
        if got.message is None:
            return None
        msg = got.message
        self.composing.message_from(msg.account_id, msg.peer)
        tag = longtext.parse_header(msg.part) if msg.part else None
        if tag is not None:
            return self._part(msg, tag)
        return self._keep(msg)

    def _part(self, msg: Message, tag: longtext.PartTag) -> Event | None:
        """Keep one part (in the database too, so a restart loses none); the joined
        message's event once it completes its text."""
        group = (msg.account_id, peer_key(msg.peer), tag.group, tag.total)
        if not self._save("chat", lambda: self._store.add_part(
                StoredPart(msg, tag.group, tag.index, tag.total))):
            self._unsaved.add(group)
        joined = self.parts.add(msg, tag, time.time(), group[1])
        event = None if joined is None else self._keep(joined)
        self._forget_done()
        self._flush_parts(self.parts.too_many())
        self._arm_parts_timer()
        return event

    def _forget_done(self) -> None:
        """Drop from the database the parts of texts just joined or given up."""
        done, self.parts.done = self.parts.done, []
        for group in done:
            self._unsaved.discard(group)
            self._save("chat", functools.partial(self._store.drop_parts, *group))

    def _keep(self, msg: Message) -> Event | None:
        """Store a whole incoming message; the event, or None when it was known. A file
        message (FT-HTTP XML, Acrobits JSON) is stored as its summary, and its files are
        offered to the receiver (features.file_sharing)."""
        offers: tuple[FileOffer, ...] = ()
        if msg.content_type in FILE_TYPES and self.files is not None:
            msg, offers = self.files.unpack(msg)
        outcome: list[bool] = []

        def write() -> None:
            if self._store.add_message(msg):
                outcome.append(True)
            else:
                outcome.append(not msg.truncated and self._store.complete_message(msg))

        self._save("chat", write, keep=True)  # a lock delays it; it is never lost
        if outcome == [False]:
            return None
        files = self._files  # built above if it offered files
        if offers and outcome and files is not None:
            self._save("chat", lambda: files.offered(msg, offers))
        self.receipts.notify(msg, "delivery")
        return MessageReceived(msg)

    def _flush_parts(self, msgs: list[Message]) -> None:
        for msg in msgs:
            event = self._keep(msg)
            if event is not None:
                self._publish(event)
        self._forget_done()

    def _arm_parts_timer(self) -> None:
        if self._parts_timer is not None:
            self._parts_timer.cancel()
            self._parts_timer = None
        due = self.parts.next_deadline()
        if due is not None:
            self._parts_timer = asyncio.get_running_loop().call_later(
                max(0.0, due - time.time()), self._parts_due)

    def _parts_due(self) -> None:
        self._parts_timer = None
        self._flush_parts(self.parts.expired(time.time()))
        self._arm_parts_timer()

    def close(self) -> None:
        """Stop the timers. Waiting parts stay in the database for the next start; those
        it did not take are kept now, as a message flagged truncated."""
        if self._parts_timer is not None:
            self._parts_timer.cancel()
        self._flush_parts(self.parts.flush(self._unsaved))
        self.composing.close()

    def threads(self) -> list[ChatThread]:
        """Every conversation, one per contact (see chat_groups.py)."""
        return self.groups.merged()

    def messages(self, peer: str | None, limit: int, pending: bool = False,
                 before: str | None = None, after: str | None = None,
                 around: str | None = None) -> list[Message]:
        """A page of ``peer``'s thread: every URI of its contact (chat_groups.py)."""
        if pending:
            return self._store.pending_messages(peer=peer, limit=limit)
        if around is not None:
            middle = self._store.message(around)
            peers = self.groups.members(middle.peer) if middle is not None else ()
            return self._store.messages_around(around, limit, peers)
        thread = None if peer is None else self.groups.members(peer)
        return self._store.messages(peer=thread, limit=limit, before=before, after=after)

    def search(self, text: str, peer: str | None, limit: int) -> list[Message]:
        thread = None if peer is None else self.groups.members(peer)
        return self._store.search_messages(text, thread, limit)

    def resend(self, message_id: str) -> Message:
        """A failed outgoing message QUEUED again (as if written now) and sent by the
        outbox. Raises NotFound, UsageError (not a failed outgoing message)."""
        msg = self._store.resend(message_id, time.time())
        self.outbox.kick()
        return msg


def _is_text(content_type: str) -> bool:
    return content_type.split(";", 1)[0].strip().lower() == "text/plain"

