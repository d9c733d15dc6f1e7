"""The outbox: outgoing messages wait in the database until they are sent.

A message is stored QUEUED, taken (SENDING) only while its account is registered (or
never registers), and settled by the backend's MessageStatus: 2xx is SENT, a transient
failure (no response, 408, 480, 503) puts it back in the queue with a backoff, anything
else is FAILED. A message still unsent ``max_age_s`` after it was written is FAILED with
the last cause. ``ready`` names the accounts that may send now. The queue lives in the
database, so a message survives a restart; one that a dead process left SENDING is sent
again (at least once, never lost). Loop-thread only.

What goes on the wire is ``prepare``'s business (Chat's): one Wire per MESSAGE, several
for a long text sent in parts (each with its own id, ``<message id>~<n>``), the body
perhaps wrapped in CPIM. The message is SENT when every wire got a 2xx; a failure of one
decides for all (a retry sends every part again; the receiver drops the repeats). A
CPIM-wrapped message refused with 415 or 488 is handed to ``refused`` and queued again
at once (Chat then sends it as plain text).
"""

from __future__ import annotations

import asyncio
import dataclasses
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Protocol

from tuiphone.files.errors import TransferError
from tuiphone.model.backend import SipBackend
from tuiphone.model.errors import InvalidUri, LimitExceeded, NotFound, TuiphoneError
from tuiphone.model.events import Event, MessageStatus, Notice
from tuiphone.model.files import FTHTTP_TYPE
from tuiphone.model.message import Delivery, Message
from tuiphone.store import Store

TRANSIENT = frozenset({0, 408, 480, 503})  # 0: no response at all (transport error)
NOT_CPIM = frozenset({415, 488})  # the peer does not take message/cpim
IDLE_CHECK_S = 30.0  # while messages wait for an account: how often to check their age
BATCH = 100


class Save(Protocol):
    """Journal.save: False when the write failed; ``keep`` retries a write a database
    lock refused until it goes through."""

    def __call__(self, kind: str, work: Callable[[], object], keep: bool = False) -> bool: ...


PART_SEP = "~"


@dataclass(frozen=True, slots=True)
class Wire:
    """One MESSAGE as the backend sends it."""

    id: str
    body: str
    content_type: str
    headers: tuple[tuple[str, str], ...] = ()
    cpim: bool = False


@dataclass(slots=True)
class _Flight:
    msg: Message  # as stored, SENDING
    left: int  # wires without an outcome yet
    cpim: bool
    code: int = 0
    reason: str = ""
    failure: tuple[int, str, bool] | None = None  # code, reason, final


def plain_wire(msg: Message) -> list[Wire]:
    return [Wire(msg.id, msg.body, msg.content_type)]


class Outbox:
    def __init__(self, backend: SipBackend, store: Store, ready: Callable[[], set[str]],
                 publish: Callable[[Event], None], save: Save, max_age_s: float,
                 backoff_s: tuple[float, ...], clock: Callable[[], float] = time.time) -> None:
        self._backend = backend
        self._store = store
        self._ready = ready
        self._publish = publish
        self._save = save
        self.max_age_s = max_age_s
        self._backoff_s = backoff_s or (60.0,)
        self._clock = clock
        self._timer: asyncio.TimerHandle | None = None
        self._task: asyncio.Task[None] | None = None
        self._again = False
        self._closed = False
        self._attempts: dict[str, int] = {}  # in flight: message id -> attempts so far
        self._flights: dict[str, _Flight] = {}
        self.prepare: Callable[[Message], list[Wire]] = plain_wire
        self.refused: Callable[[Message], None] = lambda msg: None
        # a file message's body: uploads the file, returns the XML (engine.file_send)
        self.upload: Callable[[Message], Awaitable[str]] | None = None
        self._stored_bodies: dict[str, str] = {}  # in flight: id -> body as stored

    def start(self) -> None:
        """Queue again what a previous process left SENDING, then send what is due."""
        self._save("chat", self._store.recover_sending)
        self.kick()

    def close(self) -> None:
        self._closed = True
        if self._timer is not None:
            self._timer.cancel()
        if self._task is not None:
            self._task.cancel()

    def kick(self) -> None:
        """Send what is due soon (an account registered, a message was queued)."""
        if self._closed:
            return
        if self._task is not None and not self._task.done():
            self._again = True
            return
        self._task = asyncio.ensure_future(self._run())

    async def _run(self) -> None:
        self._again = True
        try:
            while self._again and not self._closed:
                self._again = False
                await self._flush()
            self._schedule()
        except TuiphoneError as err:  # the store failed: try again later
            self._publish(Notice("error", f"outbox: {err}"))
            self._schedule_in(IDLE_CHECK_S)

    def _schedule_in(self, delay: float) -> None:
        if self._timer is not None:
            self._timer.cancel()
        self._timer = asyncio.get_running_loop().call_later(delay, self.kick)

    async def _flush(self) -> None:
        now = self._clock()
        for msg in self._store.expired_messages(now - self.max_age_s, BATCH):
            self._settle(msg, Delivery.FAILED, msg.code, self._gave_up(msg))
        batch = self._store.due_messages(now, self._ready(), BATCH)
        for msg in batch:
            if self._store.take_for_sending(msg.id):
                await self._send(dataclasses.replace(msg, delivery=Delivery.SENDING,
                                                     attempts=msg.attempts + 1))
        self._again = self._again or len(batch) == BATCH

    async def _send(self, msg: Message) -> None:
        self._attempts[msg.id] = msg.attempts
        self._publish(MessageStatus(msg))
        body = await self._prepared(msg)  # a file message: its file is uploaded first
        if body is None:
            return
        if body != msg.body:  # the file XML carries the key: reports show the summary
            self._stored_bodies[msg.id] = msg.body
        wires = self.prepare(dataclasses.replace(msg, body=body))
        flight = _Flight(msg, len(wires), any(w.cpim for w in wires))
        self._flights[msg.id] = flight
        for wire in wires:
            if self._flights.get(msg.id) is not flight:
                return  # settled already (a part failed for good)
            outcome: Message | None = None
            try:
                await self._backend.send_message(msg.account_id, msg.peer, wire.body,
                                                 wire.content_type, wire.id, wire.headers)
            except (LimitExceeded, InvalidUri, NotFound) as err:
                outcome = self._landed(flight, 0, str(err), final=True)
            except TuiphoneError as err:
                outcome = self._landed(flight, 0, str(err), final=False)
            if outcome is not None:
                self._publish(MessageStatus(outcome))

    def _landed(self, flight: _Flight, code: int, reason: str, final: bool = False,
                ok: bool = False) -> Message | None:
        """One wire's outcome; the message's, once every wire has one (else None)."""
        flight.left -= 1
        flight.code, flight.reason = code, reason
        if not ok and (flight.failure is None or (final and not flight.failure[2])):
            flight.failure = (code, reason, final)
        if flight.left > 0 and not (flight.failure and flight.failure[2]):
            return None
        msg = flight.msg
        self._flights.pop(msg.id, None)
        self._attempts.pop(msg.id, None)
        self._stored_bodies.pop(msg.id, None)
        if flight.failure is None:
            return self._settle(msg, Delivery.SENT, code, reason, publish=False)
        code, reason, final = flight.failure
        if final:
            return self._settle(msg, Delivery.FAILED, code, reason, publish=False)
        if flight.cpim and code in NOT_CPIM:
            self.refused(msg)
            return self._retry(msg, code, reason, wait=0.0)
        if code in TRANSIENT:
            return self._retry(msg, code, reason)
        return self._settle(msg, Delivery.FAILED, code, reason, publish=False)

    async def _prepared(self, msg: Message) -> str | None:
        """The body to send: ``prepare``'s for a file message (it uploads the file
        first). None when that failed: then the message is queued again (the upload
        server is unreachable or answered 5xx) or FAILED (refused)."""
        if self.upload is None or msg.content_type != FTHTTP_TYPE:
            return msg.body
        try:
            return await self.upload(msg)
        except TransferError as err:
            self._attempts.pop(msg.id, None)
            if err.transient:
                self._publish(MessageStatus(self._retry(msg, 0, str(err))))
            else:
                self._settle(msg, Delivery.FAILED, err.status, str(err))
        except TuiphoneError as err:
            self._attempts.pop(msg.id, None)
            self._settle(msg, Delivery.FAILED, 0, str(err))
        return None

    def _schedule(self) -> None:
        """Wake up when the next retry is due, or now and then while messages wait for
        an account (to fail the ones that grew too old)."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        due = self._store.next_due()
        if due is None or self._closed:
            return
        now = self._clock()
        self._schedule_in(min(due - now if due > now else IDLE_CHECK_S, IDLE_CHECK_S))

    def on_status(self, msg: Message) -> Message | None:
        """A backend report on a message we sent: what it means for the queue, as the
        message to publish (QUEUED again after a transient failure); None while other
        parts of it are still on their way."""
        base, sep, _ = msg.id.partition(PART_SEP)
        flight = self._flights.get(base)
        if flight is not None:
            return self._landed(flight, msg.code, msg.reason,
                                ok=msg.delivery is not Delivery.FAILED)
        if sep:
            return None  # a part of a message already settled (another part failed)
        msg = dataclasses.replace(msg, attempts=self._attempts.pop(msg.id, msg.attempts),
                                  body=self._stored_bodies.pop(msg.id, msg.body))
        if msg.delivery is Delivery.FAILED and msg.code in TRANSIENT:
            return self._retry(msg, msg.code, msg.reason)
        return self._settle(msg, msg.delivery, msg.code, msg.reason, publish=False)

    def _retry(self, msg: Message, code: int, reason: str, wait: float | None = None
               ) -> Message:
        now = self._clock()
        if now - msg.timestamp > self.max_age_s:
            return self._settle(msg, Delivery.FAILED, code, self._gave_up(msg, reason),
                                publish=False)
        if wait is None:
            wait = self._backoff_s[min(max(msg.attempts - 1, 0), len(self._backoff_s) - 1)]
        queued: list[Message] = []
        if not self._save("chat", lambda: queued.append(
                self._store.requeue(msg.id, now + wait, code, reason))):
            # never stored, or the disk is full: no queue to go back to
            return dataclasses.replace(msg, delivery=Delivery.FAILED, code=code, reason=reason)
        if wait == 0.0:
            self.kick()
        elif self._task is None or self._task.done():
            self._schedule()
        return queued[0]

    def _settle(self, msg: Message, delivery: Delivery, code: int, reason: str,
                publish: bool = True) -> Message:
        done = dataclasses.replace(msg, delivery=delivery, code=code, reason=reason)
        self._save("chat", lambda: self._store.update_delivery(msg.id, delivery, code, reason))
        if publish:
            self._publish(MessageStatus(done))
        return done

    def _gave_up(self, msg: Message, reason: str = "") -> str:
        hours = self.max_age_s / 3600
        cause = reason or msg.reason or "account not registered"
        return f"not sent within {hours:g} h ({msg.attempts} attempts): {cause}"
