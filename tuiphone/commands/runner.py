"""Run commands from text: the entry points for the REPL, scripts and the TUI ':' line."""

from __future__ import annotations

import argparse
import inspect
from collections.abc import AsyncIterator
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

from tuiphone.commands.parse import Parser, line_parser, parse_words, split_line
from tuiphone.commands.spec import Command
from tuiphone.commands.table import COMMANDS
from tuiphone.model.errors import UsageError

if TYPE_CHECKING:
    from tuiphone.engine.api import PhoneApi


@dataclass(frozen=True, slots=True)
class CommandHelp:
    name: str
    aliases: tuple[str, ...]
    help: str
    usage: str


@cache
def parser() -> Parser:
    return line_parser(COMMANDS, prog="")


def list_commands() -> list[CommandHelp]:
    """Every command with its one-line help and usage (for palettes and ``help``)."""
    sub = next(a for a in parser()._actions if isinstance(a, argparse._SubParsersAction))
    return [
        CommandHelp(c.name, c.aliases, c.help, sub.choices[c.name].format_usage().strip())
        for c in COMMANDS
    ]


def parse_line(line: str) -> tuple[Command, argparse.Namespace]:
    """Raises UsageError for an empty line, an unknown command or bad arguments."""
    return parse_words(parser(), split_line(line))


async def execute(phone: PhoneApi, command: Command, args: argparse.Namespace) -> Any:
    """Run a non-streaming command and return its result."""
    result = command.run(phone, args)
    if inspect.isasyncgen(result):
        return [item async for item in result]
    return await result


def stream(phone: PhoneApi, command: Command, args: argparse.Namespace) -> AsyncIterator[Any]:
    """The items of a streaming command."""
    result: AsyncIterator[Any] = command.run(phone, args)
    return result


async def run_line(phone: PhoneApi, line: str) -> Any:
    """Parse and run one command line against ``phone``; returns plain data.

    Raises UsageError for bad input and the command's own errors otherwise; a
    streaming command is collected only if it ends (``trace`` without ``--follow``).
    """
    command, args = parse_line(line)
    return await execute(phone, command, args)


async def run_command_line(phone: PhoneApi, line: str) -> str:
    """``run_line`` rendered as plain text (the TUI's ':' line and palette); commands
    that ask on the terminal are refused (the TUI owns it)."""
    from tuiphone.commands.text import as_text

    command, args = parse_line(line)
    refuse_terminal(command, "the TUI")
    return as_text(await execute(phone, command, args))


def refuse_terminal(command: Command, where: str) -> None:
    """UsageError for a command that asks on the user's terminal, run from ``where``."""
    if command.terminal:
        raise UsageError(f"{command.name}: run it from a shell ('tuiphone {command.name} "
                         f"...'): it asks on the terminal, which {where} cannot")
