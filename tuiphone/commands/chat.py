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
from tuiphone.model.errors import SipError
from tuiphone.model.events import MessageStatus
from tuiphone.model.message import Delivery, Message


async def message(phone: PhoneApi, args: argparse.Namespace) -> Message:
    """Send and wait for the delivery report. Raises SipError (exit 4), Timeout (exit 3)."""
    async with EventFeed(phone) as feed:
        sent = await phone.send_message(args.uri, args.text, opt(args, "account"))
        deadline = time.monotonic() + args.timeout
        while sent.delivery is Delivery.PENDING:
            event = await feed.next(max(0.0, deadline - time.monotonic()))
            if event is None:
                break
            if isinstance(event, MessageStatus) and event.message.id == sent.id:
                sent = event.message
    if sent.delivery is Delivery.FAILED:
        raise with_result(SipError(sent.code, sent.reason or "not delivered"), sent)
    return sent


async def messages(phone: PhoneApi, args: argparse.Namespace) -> list[Message]:
    return await phone.messages(args.uri, args.limit)


async def history(phone: PhoneApi, args: argparse.Namespace) -> list[dict[str, Any]]:
    entries: list[HistoryEntry] = await phone.history(args.limit)
    return [_row(e) for e in entries]


def _row(e: HistoryEntry) -> dict[str, Any]:
    from tuiphone.model.codec import to_jsonable

    return {**to_jsonable(e), "duration_s": round(e.duration_s, 1)}
