"""IMDN receipts (RFC 5438) in CPIM (RFC 3862), per account's ``features.read_receipts``.

Outgoing, with the switch on: a text message goes wrapped in CPIM, its
``imdn.Message-ID`` our message id, asking for ``positive-delivery, display``; each part
of a long text likewise, with the id ``<message id>~<n>``, and the text is delivered
(displayed) only once every part is: its state is the least advanced of its parts'. A peer
that refuses CPIM (415 or 488: baresip answers 415) is remembered, until the engine
stops, as plain: the outbox sends the same message again at once as text/plain (no
receipts from that peer). With the switch off nothing is wrapped and nothing asked.

Incoming: a CPIM body is unwrapped (its content is the message; its imdn.Message-ID is
kept for the dedup key and for our notifications). With the switch on we send a
delivery notification when a message that asked for one arrives, and a display
notification when the user reads its thread. A notification about one of our messages,
from the peer it went to, moves it to DELIVERED or DISPLAYED (never back); it is
applied even with the switch off, since it only comes when we asked for it.
Loop-thread only.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, replace
from typing import Any

from tuiphone.engine import cpim, imdn, iscomposing
from tuiphone.engine.accounts import AccountBook
from tuiphone.engine.outbox import PART_SEP, Wire
from tuiphone.model import longtext
from tuiphone.model.errors import NotFound, TuiphoneError
from tuiphone.model.ids import random_id
from tuiphone.model.message import Delivery, Message, peer_key
from tuiphone.store.parts import least_advanced

SendFn = Callable[[str, str, str, str, str], Coroutine[Any, Any, None]]
Spawn = Callable[[Coroutine[Any, Any, None]], None]
# Store.part_receipt: a part's receipt kept; how far every part heard of got
PartReceipt = Callable[[str, int, Delivery], dict[int, Delivery]]
_STATUS = {("delivery", "delivered"): Delivery.DELIVERED,
           ("display", "displayed"): Delivery.DISPLAYED}


@dataclass(frozen=True, slots=True)
class Unwrapped:
    """What an incoming MESSAGE turned out to be: a message, a notification about one
    of ours, or an is-composing indication (exactly one is set)."""

    message: Message | None = None
    receipt: imdn.Notification | None = None
    composing: iscomposing.Composing | None = None
    problem: str = ""  # why a body that claimed to be CPIM/IMDN was kept as it came


class Receipts:
    def __init__(self, accounts: AccountBook, send: SendFn, spawn: Spawn) -> None:
        self._accounts = accounts
        self._send = send
        self._spawn = spawn
        self.plain_peers: set[tuple[str, str]] = set()  # (account, peer_key): no CPIM
        self.ours: set[str] = set()  # ids of our notifications in flight

    def on(self, account_id: str) -> bool:
        cfg = self._accounts.configs.get(account_id)
        return cfg is not None and cfg.features.read_receipts

    # outgoing messages

    def wire(self, msg: Message, wire_id: str | None = None, body: str | None = None) -> Wire:
        """The message as sent: in CPIM asking for receipts when the switch is on, the
        body is text and the peer has not refused CPIM; else as it is. ``wire_id`` and
        ``body``: one part of a long text (its id is its imdn.Message-ID)."""
        wire_id = msg.id if wire_id is None else wire_id
        body = msg.body if body is None else body
        plain = Wire(wire_id, body, msg.content_type)
        echo = self._accounts.echo_uri
        if (not self.on(msg.account_id) or not msg.content_type.startswith("text/")
                or (msg.account_id, peer_key(msg.peer)) in self.plain_peers
                or (echo is not None and peer_key(echo) == peer_key(msg.peer))):
            return plain  # the echo line answers text as it comes: it sends no receipts
        acc = self._accounts.configs[msg.account_id]
        wrapped = cpim.build(acc.uri, msg.peer, f"{msg.content_type};charset=UTF-8", body,
                             {"Message-ID": wire_id, "Disposition-Notification": imdn.ASK})
        return Wire(wire_id, wrapped, cpim.CONTENT_TYPE, cpim=True)

    def refused(self, msg: Message) -> None:
        """The peer answered 415/488 to CPIM: plain text to it from now on."""
        self.plain_peers.add((msg.account_id, peer_key(msg.peer)))

    # incoming

    def unwrap(self, msg: Message) -> Unwrapped:
        """What ``msg`` carries. A notification or indication may come in CPIM or bare
        (Linphone sends its IMDN bare, deflated, outside CPIM)."""
        bare = _special(msg.content_type, msg.body, msg.peer)
        if bare is not None:
            return bare
        if not cpim.is_cpim(msg.content_type):
            return Unwrapped(message=msg)
        try:
            env = cpim.parse(msg.body)
        except cpim.CpimError as err:
            return Unwrapped(message=msg, problem=str(err))
        inner = _special(env.content_type, env.body, msg.peer)
        if inner is not None:
            return inner
        imdn_id = env.get("imdn.message-id")[:128]
        notify = env.get("imdn.disposition-notification")[:128] if imdn_id else ""
        new_id = msg.id
        if imdn_id:
            key = f"{msg.account_id}\n{peer_key(msg.peer)}\n{imdn_id}"
            new_id = "imdn-" + hashlib.sha256(key.encode()).hexdigest()[:27]
        return Unwrapped(message=replace(
            msg, id=new_id, body=env.body, content_type=env.content_type, raw=b"",
            truncated=msg.truncated or env.truncated, imdn_id=imdn_id, notify=notify))

    def apply(self, note: imdn.Notification, account_id: str, peer: str,
              load: Callable[[str], Message | None],
              store: Callable[[str, Delivery, int, str], Message],
              part: PartReceipt | None = None) -> Message | None:
        """Our message ``note`` is about, moved on; None when it is not ours (another
        account or peer, unknown id) or already that far. A note about part n of a long
        text (``<id>~<n>``) is kept with ``part``; the text moves to the least advanced
        state of its parts, once every part has a receipt."""
        goal = _STATUS.get((note.kind, note.status))
        if goal is None:
            return None
        base, sep, index = note.message_id.partition(PART_SEP)
        target = load(base)
        if (target is None or target.direction != "out" or target.account_id != account_id
                or peer_key(target.peer) != peer_key(peer)):
            return None
        if sep:
            total = longtext.part_count(target.body)
            if part is None or not index.isdigit() or not 1 <= int(index) <= total:
                return None
            try:
                least = least_advanced(part(target.id, int(index), goal), total)
            except TuiphoneError:
                return None
            if least is None:
                return None
            goal = least
        if target.delivery.reached(goal):
            return None
        try:
            return store(target.id, goal, target.code, target.reason)
        except NotFound:
            return None

    def notify(self, msg: Message, kind: str) -> int:
        """Send ``kind`` ("delivery" or "display") notifications for an incoming message
        that asked for them, when the switch is on; returns how many were sent."""
        want = imdn.DELIVERY if kind == "delivery" else imdn.DISPLAY
        if not msg.imdn_id or not self.on(msg.account_id) or want not in imdn.wants(msg.notify):
            return 0
        acc = self._accounts.configs[msg.account_id]
        status = "delivered" if kind == "delivery" else "displayed"
        sent = 0
        for about in msg.imdn_id.split():
            rid = "imdn-" + random_id()
            body = cpim.build(acc.uri, msg.peer, imdn.CONTENT_TYPE,
                              imdn.build(about, kind, status), {"Message-ID": rid},
                              content_disposition="notification")
            self.ours.add(rid)
            self._spawn(self._send(acc.id, msg.peer, body, cpim.CONTENT_TYPE, rid))
            sent += 1
        return sent


def _special(content_type: str, body: str, peer: str) -> Unwrapped | None:
    """A notification or an is-composing indication; None for anything else."""
    ctype = content_type.split(";", 1)[0].strip().lower()
    if ctype == imdn.CONTENT_TYPE:
        try:
            return Unwrapped(receipt=imdn.parse(body))
        except imdn.ImdnError as err:
            return Unwrapped(problem=f"IMDN from {peer} ignored: {err}")
    if ctype == iscomposing.CONTENT_TYPE:
        try:
            return Unwrapped(composing=iscomposing.parse(body))
        except iscomposing.ComposingError as err:
            return Unwrapped(problem=f"is-composing from {peer} ignored: {err}")
    return None
