"""THE command table: every front end (CLI, REPL, scripts, TUI) reads this and only this."""

from __future__ import annotations

from tuiphone.commands import (
    call,
    callctl,
    chat,
    contacts,
    info,
    lamps,
    midcall,
    ping,
    register,
    streams,
    wait,
)
from tuiphone.commands.spec import Command

COMMANDS: tuple[Command, ...] = (
    *info.COMMANDS,
    *register.COMMANDS,
    *ping.COMMANDS,
    *call.COMMANDS,
    *callctl.COMMANDS,
    *midcall.COMMANDS,
    *chat.COMMANDS,
    *wait.COMMANDS,
    *streams.COMMANDS,
    *contacts.COMMANDS,
    *lamps.COMMANDS,
)

BY_NAME: dict[str, Command] = {name: c for c in COMMANDS for name in c.names}


def find(name: str) -> Command | None:
    return BY_NAME.get(name)
