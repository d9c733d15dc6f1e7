"""Chat for a Phone: an outgoing MESSAGE is stored before it is sent (a failure to send
marks it failed), and the stored threads are read back. A message that cannot be
stored (a full disk) is still sent; ``save`` reports the failure. Loop-thread only."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable

from tuiphone.engine.accounts import AccountBook
from tuiphone.model.backend import SipBackend
from tuiphone.model.message import Delivery, Message
from tuiphone.store import Store


class Chat:
    def __init__(self, backend: SipBackend, store: Store, accounts: AccountBook,
                 save: Callable[[str, Callable[[], object]], bool]) -> None:
        self._backend = backend
        self._store = store
        self._accounts = accounts
        self._save = save

    async def send(self, uri: str, body: str, account_id: str | None, content_type: str
                   ) -> Message:
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
            delivery=Delivery.PENDING,
        )
        self._save("chat", lambda: self._store.add_message(msg))
        try:
            await self._backend.send_message(acc.id, target, body, content_type, msg.id)
        except Exception:
            self._save("chat", lambda: self._store.update_delivery(
                msg.id, Delivery.FAILED, 0, "not sent"))
            raise
        return msg

    def messages(self, peer: str | None, limit: int) -> list[Message]:
        return self._store.messages(peer=peer, limit=limit)
