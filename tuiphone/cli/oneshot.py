"""``tuiphone COMMAND``: run one command on the running engine or a private one."""

from __future__ import annotations

import argparse
import asyncio

from tuiphone.commands.present import failed, run_on
from tuiphone.commands.spec import Command
from tuiphone.host.oneshot import engine_for
from tuiphone.model.errors import TuiphoneError

INTERRUPTED = 130


async def _main(command: Command, ns: argparse.Namespace) -> int:
    try:
        async with engine_for(command, ns) as phone:
            return await run_on(phone, command, ns)
    except TuiphoneError as err:
        return failed(err, bool(getattr(ns, "json", False)))


def run_command(command: Command, ns: argparse.Namespace) -> int:
    try:
        return asyncio.run(_main(command, ns))
    except KeyboardInterrupt:
        return INTERRUPTED
