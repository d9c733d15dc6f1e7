"""argparse parsers built from the command table; errors become UsageError, not exits."""

from __future__ import annotations

import argparse
import shlex
from collections.abc import Iterable
from typing import Any, NoReturn

from tuiphone.commands.spec import Command
from tuiphone.model.errors import UsageError


class Parser(argparse.ArgumentParser):
    """Raises UsageError instead of printing and exiting."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{self.prog}: {message}")


def global_options(parser: argparse.ArgumentParser, default: Any) -> None:
    """--config/--account/--json; ``default=SUPPRESS`` lets them follow the command too."""
    parser.add_argument("--config", metavar="FILE", default=default,
                        help="config file (default: $TUIPHONE_CONFIG or the XDG path)")
    parser.add_argument("--account", metavar="ID", default=default,
                        help="account to use (default: the first one)")
    parser.add_argument("--json", action="store_true", default=default,
                        help="print JSON (JSON lines for streams) instead of tables")


def add_command(sub: Any, command: Command, parser_class: type[Parser] = Parser) -> Parser:
    """Add ``command`` to an argparse subparsers object."""
    parser: Parser = sub.add_parser(
        command.name,
        aliases=list(command.aliases),
        help=command.help,
        description=command.help + ("\n\n" + command.details if command.details else ""),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    for spec in command.args:
        parser.add_argument(*spec.flags, help=spec.help, **spec.options)
    global_options(parser, argparse.SUPPRESS)
    parser.set_defaults(command=command)
    return parser


def line_parser(commands: Iterable[Command], prog: str = "") -> Parser:
    """A parser for one command line (REPL, scripts, the TUI ':' line)."""
    top = Parser(prog=prog or "tuiphone", add_help=False)
    global_options(top, None)
    sub = top.add_subparsers(dest="command_name", metavar="COMMAND", parser_class=Parser)
    for command in commands:
        add_command(sub, command)
    return top


def split_line(line: str) -> list[str]:
    """Shell-like words; a ``#`` starts a comment. Raises UsageError on bad quoting."""
    try:
        return shlex.split(line, comments=True)
    except ValueError as err:
        raise UsageError(f"cannot parse {line!r}: {err}") from None


def parse_words(parser: Parser, words: list[str]) -> tuple[Command, argparse.Namespace]:
    """Raises UsageError for an unknown command or bad arguments."""
    if not words:
        raise UsageError("no command given")
    ns = parser.parse_args(words)
    command = getattr(ns, "command", None)
    if not isinstance(command, Command):
        raise UsageError(f"unknown command {words[0]!r}")
    return command, ns
