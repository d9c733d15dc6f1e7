"""message, messages, history: chat and the call log."""

from __future__ import annotations

import argparse
import time
from typing import Any

from tuiphone.commands.errors import with_result
from tuiphone.commands.util import opt
from tuiphone.engine.api import PhoneApi
from tuiphone.engine.feed import EventFeed
from tuiphone.model.call import HistoryEntry
from tuiphone.model.errors import SipError, Timeout, UsageError
from tuiphone.model.events import MessageStatus
from tuiphone.model.message import Delivery, Message


async def message(phone: PhoneApi, args: argparse.Namespace) -> Message:
    """Store, send and wait until the message reaches ``--wait`` (sent, delivered,
    displayed). Raises SipError (exit 4) when it failed, Timeout (exit 3) when it did not
    get there in time; a message still queued then stays queued in the database."""
    goal = Delivery(getattr(args, "wait", None) or "sent")
    async with EventFeed(phone) as feed:
        sent = await phone.send_message(args.uri, args.text, opt(args, "account"))
        deadline = time.monotonic() + args.timeout
        while not sent.delivery.reached(goal) and sent.delivery is not Delivery.FAILED:
            try:
                event = await feed.next(max(0.0, deadline - time.monotonic()))
            except Timeout:
                break
            if event is None:
                break  # the engine stopped
            if isinstance(event, MessageStatus) and event.message.id == sent.id:
                sent = event.message
    if sent.delivery is Delivery.FAILED:
        raise with_result(SipError(sent.code, sent.reason or "not delivered"), sent)
    if not sent.delivery.reached(goal):
        where = "in the outbox, sent when an engine runs" if sent.delivery.pending else "sent"
        raise with_result(Timeout(
            f"message {sent.id} is {sent.delivery.value}, not {goal.value}, after "
            f"{args.timeout:g} s (it stays {where})"), sent)
    return sent


async def messages(phone: PhoneApi, args: argparse.Namespace) -> list[Message]:
    """A thread (or all messages), the outbox with --pending, or with --search the
    messages holding every word, newest first."""
    pending = bool(getattr(args, "pending", False))
    text = getattr(args, "search", None)
    if text is not None:
        if pending:
            raise UsageError("--search and --pending do not go together")
        return await phone.search_messages(text, args.uri, args.limit)
    return await phone.messages(args.uri, args.limit, pending)


async def resend(phone: PhoneApi, args: argparse.Namespace) -> Message:
    """The failed message, QUEUED again; the outbox sends it while an engine runs."""
    return await phone.resend_message(args.id)


async def history(phone: PhoneApi, args: argparse.Namespace) -> list[dict[str, Any]]:
    from tuiphone.model.trust import Vouch

    wanted = getattr(args, "identity", None)
    vouch = Vouch(wanted) if wanted else None
    entries: list[HistoryEntry] = await phone.history(args.limit, identity=vouch)
    return [_row(e) for e in entries]


def _row(e: HistoryEntry) -> dict[str, Any]:
    from tuiphone.model.codec import to_jsonable

    return {**to_jsonable(e), "duration_s": round(e.duration_s, 1)}
