"""calls, answer, reject, hangup: commands on the calls of a running engine."""

from __future__ import annotations

import argparse
from typing import Any

from tuiphone.commands.spec import CALL, Command, arg
from tuiphone.engine.api import PhoneApi
from tuiphone.model.call import CallInfo
from tuiphone.model.errors import UsageError


async def calls(phone: PhoneApi, args: argparse.Namespace) -> list[CallInfo]:
    return list(phone.state().calls)


async def answer(phone: PhoneApi, args: argparse.Namespace) -> CallInfo:
    return await phone.answer(args.call)


async def reject(phone: PhoneApi, args: argparse.Namespace) -> dict[str, Any]:
    await phone.reject(args.call, args.code)
    return {"rejected": args.call or "incoming", "code": args.code}


async def hangup(phone: PhoneApi, args: argparse.Namespace) -> dict[str, Any]:
    if args.all:
        if args.call:
            raise UsageError("hangup: give a CALL or --all, not both")
        return {"hung_up": await phone.hangup_all()}
    await phone.hangup(args.call)
    return {"hung_up": 1}


COMMANDS = (
    Command("calls", "list the calls in progress", calls, running=True),
    Command("answer", "answer an incoming call", answer, args=(CALL,), running=True,
            aliases=("a",)),
    Command("reject", "reject an incoming call", reject, running=True, args=(
        CALL, arg("--code", type=int, default=486, metavar="N",
                  help="final response code, 300-699 (default 486)"))),
    Command("hangup", "end a call (or every call)", hangup, running=True, aliases=("h",),
            args=(CALL, arg("--all", action="store_true", help="end every call"))),
)
