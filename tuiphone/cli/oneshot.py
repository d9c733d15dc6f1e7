"""Run one command from the command table and turn its outcome into an exit code."""

from __future__ import annotations

import argparse
import asyncio

from tuiphone.cli.engine import engine_for
from tuiphone.cli.output import print_error, print_item, print_result
from tuiphone.commands.errors import result_of
from tuiphone.commands.exitcodes import exit_code
from tuiphone.commands.runner import execute, stream
from tuiphone.commands.spec import Command
from tuiphone.engine.api import PhoneApi
from tuiphone.model.errors import TuiphoneError

INTERRUPTED = 130


async def run_on(phone: PhoneApi, command: Command, ns: argparse.Namespace) -> int:
    """Run on a given engine, print the outcome, return the exit code (no traceback for
    tuiphone errors; a bug still raises)."""
    as_json = bool(getattr(ns, "json", False))
    try:
        if command.stream:
            async for item in stream(phone, command, ns):
                print_item(item, as_json)
        else:
            print_result(await execute(phone, command, ns), as_json)
    except TuiphoneError as err:
        return failed(err, as_json)
    return 0


def failed(err: TuiphoneError, as_json: bool) -> int:
    result = result_of(err)
    if result is not None:
        print_result(result, as_json)
    print_error(err)
    return exit_code(err)


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
