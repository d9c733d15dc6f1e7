"""lamps, presence, pickup: BLF/presence lamps of the QuickDial entries."""

from __future__ import annotations

import argparse

from tuiphone.commands.spec import Command, arg
from tuiphone.commands.util import opt
from tuiphone.engine.api import PhoneApi
from tuiphone.model.backend import PRESENCE_STATES
from tuiphone.model.call import CallInfo
from tuiphone.model.lamp import Lamp


async def lamps(phone: PhoneApi, args: argparse.Namespace) -> list[Lamp]:
    return await phone.lamps()


async def presence(phone: PhoneApi, args: argparse.Namespace) -> dict[str, str]:
    await phone.set_presence(args.state, args.note, opt(args, "account"))
    return {"presence": args.state, "note": args.note}


async def pickup(phone: PhoneApi, args: argparse.Namespace) -> CallInfo:
    return await phone.pickup(args.target, opt(args, "account"))


COMMANDS = (
    Command("lamps", "list the BLF/presence lamps of the QuickDial entries", lamps,
            details="Entries are watched only when the default account turns on\n"
                    "features.blf (blf entries) or features.presence (presence entries)."),
    Command("presence", "publish our presence (features.presence)", presence, args=(
        arg("action", choices=("set",), help="set"),
        arg("state", choices=PRESENCE_STATES, metavar="STATE",
            help="available | away | dnd | busy | on-the-phone | offline"),
        arg("--note", default="", metavar="TEXT", help="a note shown to watchers"),
    )),
    Command("pickup", "pick up a call ringing at a QuickDial entry (its pickup code)", pickup,
            args=(arg("target", metavar="KEY|URI", complete="contact",
                      help="the entry's label or URI"),)),
)
