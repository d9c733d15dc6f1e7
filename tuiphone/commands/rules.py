"""dnd (do not disturb, from the account's call rules) and codecs (the order calls offer)."""

from __future__ import annotations

import argparse

from tuiphone.commands.util import opt
from tuiphone.engine.api import PhoneApi


async def dnd(phone: PhoneApi, args: argparse.Namespace) -> dict[str, list[str]]:
    """Show, or turn on/off/toggle, DND: one account with --account, else every one."""
    account_id = opt(args, "account")
    now = set(phone.state().dnd)
    if args.state is None:
        return {"dnd": sorted(now)}
    if args.state == "toggle":
        names = {account_id} if account_id else {a.id for a in phone.state().accounts}
        on = not names <= now
    else:
        on = args.state == "on"
    return {"dnd": await phone.set_dnd(on, account_id)}


async def codecs(phone: PhoneApi, args: argparse.Namespace) -> list[str]:
    """The codecs of this build in the order the account's calls offer them."""
    return await phone.codecs(opt(args, "account"))
