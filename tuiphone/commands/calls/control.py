"""calls, answer, reject, hangup: commands on the calls of a running engine."""

from __future__ import annotations

import argparse
from typing import Any

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
