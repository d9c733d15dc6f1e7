"""hold, resume, mute, unmute, dtmf, transfer, conference: during a call."""

from __future__ import annotations

import argparse
from typing import Any

from tuiphone.engine.api import PhoneApi
from tuiphone.model.errors import UsageError


async def hold(phone: PhoneApi, args: argparse.Namespace) -> dict[str, Any]:
    await phone.hold(args.call)
    return {"held": args.call or "current"}


async def resume(phone: PhoneApi, args: argparse.Namespace) -> dict[str, Any]:
    await phone.resume(args.call)
    return {"resumed": args.call or "current"}


async def mute(phone: PhoneApi, args: argparse.Namespace) -> dict[str, Any]:
    await phone.mute(args.call, True)
    return {"muted": True}


async def unmute(phone: PhoneApi, args: argparse.Namespace) -> dict[str, Any]:
    await phone.mute(args.call, False)
    return {"muted": False}


async def dtmf(phone: PhoneApi, args: argparse.Namespace) -> dict[str, Any]:
    await phone.dtmf(args.digits, args.call)
    return {"sent": args.digits}


async def transfer(phone: PhoneApi, args: argparse.Namespace) -> dict[str, Any]:
    if args.attended:
        if args.target:
            raise UsageError("transfer: give a TARGET or --attended CALL, not both")
        source = args.call_from or _other(phone, args.attended)
        await phone.transfer_attended(source, args.attended)
        return {"transferred": "attended", "call": source, "to_call": args.attended}
    if not args.target:
        raise UsageError("transfer: give a TARGET (or --attended CALL)")
    await phone.transfer(args.target, args.call_from)
    return {"transferred": "blind", "target": args.target}


def _other(phone: PhoneApi, target_call: str) -> str:
    """The one call that is not ``target_call``. Raises UsageError if that is ambiguous."""
    others = [c.id for c in phone.state().calls if c.id != target_call]
    if len(others) != 1:
        raise UsageError("attended transfer: name the call to transfer with --call")
    return others[0]


CONFERENCE_ACTIONS = ("add", "remove", "split", "show")


async def conference(phone: PhoneApi, args: argparse.Namespace) -> dict[str, Any]:
    """``conference [add] [CALL...]`` (no calls: every connected call), ``remove CALL...``,
    ``split``, ``show``. Each answers with the conference's members afterwards."""
    words = list(args.words)
    action = words.pop(0) if words and words[0] in CONFERENCE_ACTIONS else "add"
    calls = tuple(words)
    if action in ("split", "show") and calls:
        raise UsageError(f"conference {action} takes no calls")
    if action == "remove" and not calls:
        raise UsageError("conference remove: name the call(s) to take out")
    if action == "add":
        return {"conference": list(await phone.conference(calls))}
    if action == "show":
        return {"conference": [c.id for c in phone.state().calls if c.conference]}
    out = await phone.leave_conference(calls)
    return {"held": list(out),
            "conference": [c.id for c in phone.state().calls if c.conference and c.id not in out]}
