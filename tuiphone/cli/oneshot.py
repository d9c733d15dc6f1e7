"""``tuiphone COMMAND``: run one command on the running engine or a private one."""

from __future__ import annotations

import argparse
import asyncio
import sys

from tuiphone.commands.present import failed, run_on
from tuiphone.commands.spec import Command
from tuiphone.host.oneshot import engine_for
from tuiphone.model.errors import Timeout, TuiphoneError

INTERRUPTED = 130


async def _main(command: Command, ns: argparse.Namespace) -> int:
    try:
        async with engine_for(command, ns) as phone:
            return await run_on(phone, command, ns)
    except TuiphoneError as err:
        return failed(err, bool(getattr(ns, "json", False)))


async def _plugin(command: Command, ns: argparse.Namespace) -> int:
    """``--nagios``: also a failure before the check (config, engine) is a plugin line,
    and the whole run, engine start and stop included, is bounded in time."""
    from tuiphone.commands.plugin.run import failed_early, limit_s

    limit = limit_s(command.name, ns)
    try:
        async with asyncio.timeout(limit):
            async with engine_for(command, ns) as phone:
                return await run_on(phone, command, ns)
    except TimeoutError:
        status, text = failed_early(Timeout(f"no result within {limit:g} s"))
    except TuiphoneError as err:
        status, text = failed_early(err)
    sys.stdout.write(text)
    sys.stdout.flush()
    return status


def run_command(command: Command, ns: argparse.Namespace) -> int:
    main = _plugin if getattr(ns, "nagios", False) else _main
    try:
        return asyncio.run(main(command, ns))
    except KeyboardInterrupt:
        return INTERRUPTED
