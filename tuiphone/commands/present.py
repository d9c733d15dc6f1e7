"""Run a parsed command on an engine, print its outcome, return its exit status.

Shared by the one-shot CLI, scripts and the shell so they print and fail alike.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from typing import TYPE_CHECKING

from tuiphone.commands.errors import PluginExit, result_of
from tuiphone.commands.exitcodes import exit_code
from tuiphone.commands.output import print_error, print_item, print_result
from tuiphone.commands.runner import execute, stream
from tuiphone.commands.spec import Command
from tuiphone.model.errors import TuiphoneError

if TYPE_CHECKING:
    from tuiphone.engine.api import PhoneApi


@dataclass(frozen=True, slots=True)
class Outcome:
    """How a command went: its exit status, its error (None when it worked) and its
    result (the report a failed command carries; None for a stream)."""

    code: int
    error: TuiphoneError | None = None
    result: object = None


async def run_on(phone: PhoneApi, command: Command, ns: argparse.Namespace) -> int:
    """Tuiphone errors become an exit status and a message on stderr; a bug still raises."""
    return (await run_for(phone, command, ns)).code


async def run_for(phone: PhoneApi, command: Command, ns: argparse.Namespace) -> Outcome:
    """``run_on``, telling what happened (for reports on scripts)."""
    as_json = bool(getattr(ns, "json", False))
    try:
        if command.stream:
            async for item in stream(phone, command, ns):
                print_item(item, as_json)
            return Outcome(0)
        result = await execute(phone, command, ns)
        print_result(result, as_json)
    except TuiphoneError as err:
        return Outcome(failed(err, as_json), err, result_of(err))
    return Outcome(0, None, result)


def failed(err: TuiphoneError, as_json: bool) -> int:
    """Print the report a failed command still carries, then the error; the exit status."""
    result = result_of(err)
    if result is not None:
        print_result(result, as_json)
    if not isinstance(err, PluginExit):  # a plugin's output is all it prints
        print_error(err)
    return exit_code(err)
