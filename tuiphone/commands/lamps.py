"""lamps, presence, pickup: BLF/presence lamps of the QuickDial entries."""

from __future__ import annotations

import argparse

from tuiphone.commands.util import opt
from tuiphone.engine.api import PhoneApi
from tuiphone.model.call import CallInfo
from tuiphone.model.lamp import Lamp


async def lamps(phone: PhoneApi, args: argparse.Namespace) -> list[Lamp]:
    return await phone.lamps()


async def presence(phone: PhoneApi, args: argparse.Namespace) -> dict[str, str]:
    await phone.set_presence(args.state, args.note, opt(args, "account"))
    return {"presence": args.state, "note": args.note}


async def pickup(phone: PhoneApi, args: argparse.Namespace) -> CallInfo:
    return await phone.pickup(args.target, opt(args, "account"))
