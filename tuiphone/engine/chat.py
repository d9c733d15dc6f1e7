"""Chat for a Phone. An outgoing MESSAGE is refused when its body can never fit, else
stored QUEUED and sent by the Outbox; a message that cannot be stored (a full disk) is
still sent once, untracked (``save`` reports the failure). An incoming MESSAGE is
stored and published once: a retransmission (same id, which the SIP layer derives from
Call-ID and CSeq) is dropped. Loop-thread only."""

from __future__ import annotations

import time
import uuid

from tuiphone.engine.accounts import AccountBook
from tuiphone.engine.echo import ECHO_ID
from tuiphone.engine.outbox import Outbox, Save
from tuiphone.model.account import RegState
from tuiphone.model.backend import SipBackend
from tuiphone.model.errors import LimitExceeded
from tuiphone.model.events import Event, MessageReceived, MessageStatus, RegistrationChanged
from tuiphone.model.message import MAX_BODY, Delivery, Message
from tuiphone.store import Store

_CAN_SEND = (RegState.REGISTERED, RegState.NONE)


class Chat:
    def __init__(self, backend: SipBackend, store: Store, accounts: AccountBook,
                 outbox: Outbox, save: Save) -> None:
        self._backend = backend
        self._store = store
        self._accounts = accounts
        self.outbox = outbox
        self._save = save

    async def send(self, uri: str, body: str, account_id: str | None, content_type: str
                   ) -> Message:
        """The stored message, QUEUED. Raises LimitExceeded (nothing stored) for a body
        over MAX_BODY bytes, NotFound for an unknown account, InvalidUri."""
        size = len(body.encode("utf-8"))
        if size > MAX_BODY:
            raise LimitExceeded(f"message body is {size} bytes; at most {MAX_BODY} fit in "
                                "one SIP MESSAGE (nothing was sent or stored)")
        acc = self._accounts.account(account_id)
        target = self._accounts.resolve_target(uri, acc).uri
        msg = Message(
            id=uuid.uuid4().hex[:12],
            account_id=acc.id,
            direction="out",
            peer=target,
            body=body,
            content_type=content_type,
            timestamp=time.time(),
            delivery=Delivery.QUEUED,
        )
        if self._save("chat", lambda: self._store.add_message(msg)):
            self.outbox.kick()
        else:
            await self._backend.send_message(acc.id, target, body, content_type, msg.id)
        return msg

    def on_event(self, event: Event) -> Event | None:
        """The event to publish in place of ``event``; None for a duplicate."""
        match event:
            case MessageReceived(message=msg) if msg.account_id != ECHO_ID:
                known: list[bool] = []
                self._save("chat", lambda: known.append(self._store.add_message(msg)))
                return None if known == [False] else event
            case MessageStatus(message=msg) if msg.account_id != ECHO_ID:
                return MessageStatus(self.outbox.on_status(msg))
            case RegistrationChanged(account=state) if state.reg_state in _CAN_SEND:
                self.outbox.kick()
                return event
            case _:
                return event

    def messages(self, peer: str | None, limit: int, pending: bool = False,
                 before: str | None = None, after: str | None = None,
                 around: str | None = None) -> list[Message]:
        if pending:
            return self._store.pending_messages(peer=peer, limit=limit)
        if around is not None:
            return self._store.messages_around(around, limit)
        return self._store.messages(peer=peer, limit=limit, before=before, after=after)

    def resend(self, message_id: str) -> Message:
        """A failed outgoing message QUEUED again (as if written now) and sent by the
        outbox. Raises NotFound, UsageError (not a failed outgoing message)."""
        msg = self._store.resend(message_id, time.time())
        self.outbox.kick()
        return msg
