"""hold, resume, mute, unmute, dtmf, transfer, conference: during a call."""

from __future__ import annotations

import argparse
from typing import Any

from tuiphone.commands.spec import CALL, Command, arg
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


async def conference(phone: PhoneApi, args: argparse.Namespace) -> dict[str, Any]:
    await phone.conference(tuple(args.calls))
    return {"conference": list(args.calls)}


COMMANDS = (
    Command("hold", "put a call on hold", hold, args=(CALL,), running=True),
    Command("resume", "take a call off hold", resume, args=(CALL,), running=True),
    Command("mute", "stop sending audio", mute, args=(CALL,), running=True),
    Command("unmute", "send audio again", unmute, args=(CALL,), running=True),
    Command("dtmf", "send DTMF digits (0-9 * # A-D)", dtmf, running=True, args=(
        arg("digits", metavar="DIGITS", help="the digits"),
        arg("--call", metavar="CALL", complete="call", help="call id")),),
    Command("transfer", "transfer a call (blind, or attended with --attended)", transfer,
            running=True, aliases=("xfer",), args=(
        arg("target", metavar="TARGET", nargs="?", complete="contact",
            help="where to send the call (blind transfer)"),
        arg("--attended", metavar="CALL", complete="call",
            help="connect to this other call instead (attended transfer)"),
        arg("--call", dest="call_from", metavar="CALL", complete="call",
            help="the call to transfer (default: the only one)")),),
    Command("conference", "join calls into a local conference", conference, running=True,
            aliases=("conf",), args=(
        arg("calls", nargs="+", metavar="CALL", complete="call",
            help="two or more call ids"),)),
)
