"""wait: block until a condition holds, so scripts never need sleeps."""

from __future__ import annotations

import argparse
import time
from typing import Any

from tuiphone.commands.checks import conditions
from tuiphone.commands.util import opt
from tuiphone.engine.api import PhoneApi
from tuiphone.engine.feed import EventFeed
from tuiphone.model.call import CallInfo
from tuiphone.model.codec import to_jsonable
from tuiphone.model.errors import Timeout, UsageError
from tuiphone.model.lamp import Lamp


async def wait(phone: PhoneApi, args: argparse.Namespace) -> dict[str, Any]:
    """The current state is checked once the subscription is live, so nothing is missed.
    Raises Timeout (exit 3)."""
    answering = bool(opt(args, "answer"))
    if answering and (args.condition != "call" or [p.lower() for p in args.params]
                      != ["incoming"]):
        raise UsageError("--answer goes with 'wait call incoming'")
    if not answering and (opt(args, "play") or opt(args, "record") or opt(args, "duration")):
        raise UsageError("--play, --record and --duration go with --answer")
    cond = conditions.ringing_in() if answering else conditions.build(
        args.condition, args.params, args.sender, opt(args, "account"), lambda: current,
        with_file=bool(opt(args, "with_file")))
    current: list[Lamp] = []
    started = time.monotonic()
    async with EventFeed(phone) as feed:
        if args.condition == "lamp":
            current = await phone.lamps()
        found = cond.now(phone.state())
        if found is None:
            timeout = None if args.timeout <= 0 else args.timeout
            found = await feed.until(cond.seen, timeout, late=f"{cond.text}: not")
        if found is None:
            raise Timeout(f"{cond.text}: the engine stopped")
        waited = round(time.monotonic() - started, 3)
        result = {"condition": cond.text, "waited_s": waited, "match": to_jsonable(found)}
        if answering and isinstance(found, CallInfo):
            from tuiphone.commands.calls.answer import answer_and_act

            result["answered"] = await answer_and_act(phone, feed, found, args)
    return result
