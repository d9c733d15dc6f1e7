"""The ``tuiphone`` argument parser: the command table plus the front-end commands."""

from __future__ import annotations

import argparse
from typing import Any

from tuiphone import __version__
from tuiphone.commands.parse import add_command, global_options
from tuiphone.commands.spec import Command
from tuiphone.commands.table import COMMANDS, find

EPILOG = (
    "With no COMMAND the TUI starts. Exit status: 0 ok, 1 expectation not met, "
    "2 usage or config error, 3 timeout, 4 refused by the remote side, 5 network "
    "or TLS error, 6 no running engine. See man tuiphone."
)


class _Parser(argparse.ArgumentParser):
    """The normal argparse, exiting with status 2 on bad usage."""


def build_parser(only: Command | None = None) -> argparse.ArgumentParser:
    """The whole parser; with ``only``, one that knows just that command (all a
    one-shot run needs: building ~40 sub-parsers costs more than the run's parsing)."""
    top = _Parser(prog="tuiphone", description="A terminal SIP softphone.", epilog=EPILOG)
    top.add_argument("--version", action="version", version=f"tuiphone {__version__}")
    top.add_argument("--bindings", action="store_true", help="list the TUI key bindings")
    global_options(top, None)
    sub = top.add_subparsers(dest="command_name", metavar="COMMAND", parser_class=_Parser)
    for command in COMMANDS if only is None else (only,):
        add_command(sub, command, parser_class=_Parser)  # type: ignore[arg-type]
    if only is None:
        _front_ends(sub)
    return top


def parser_for(words: list[str]) -> argparse.ArgumentParser:
    """The parser for this command line: just its command's when the line is
    ``[--config F] [--account ID] [--json] COMMAND ...`` (the result is the same),
    the whole one for anything else (help, front ends, the TUI, errors)."""
    i = 0
    while i < len(words):
        word = words[i]
        if word in ("--config", "--account"):
            i += 2
        elif word == "--json" or word.startswith(("--config=", "--account=")):
            i += 1
        else:
            command = None if word.startswith("-") else find(word)
            return build_parser(command)
    return build_parser()


def _front_ends(sub: argparse._SubParsersAction[Any]) -> None:
    daemon = sub.add_parser("daemon", help="run the engine with no UI, serving the "
                                           "control socket (see tuiphone.service)")
    daemon.add_argument("--print-unit", action="store_true",
                        help="print a systemd user unit that starts this install's daemon")
    shell = sub.add_parser("shell", help="interactive command shell with completion")
    run = sub.add_parser("run", help="run a script: one command per line")
    run.add_argument("file", metavar="FILE", help="the script ('#' starts a comment)")
    run.add_argument("--keep-going", "-k", action="store_true",
                     help="run every line even after a failure")
    run.add_argument("--junit", metavar="FILE",
                     help="write a JUnit XML report: one test case per line")
    run.add_argument("--jsonl", metavar="FILE",
                     help="append a JSON line per line run (voip_patrol's result format)")
    completion = sub.add_parser("completion", help="print a completion script: "
                                                   "eval \"$(tuiphone completion bash)\"")
    completion.add_argument("shell", choices=("bash", "zsh", "fish"), help="the shell")
    for parser in (daemon, shell, run, completion):
        global_options(parser, argparse.SUPPRESS)
        parser.set_defaults(front_end=parser.prog.split()[-1])
    _load(sub)


def _load(sub: argparse._SubParsersAction[Any]) -> None:
    """``load`` runs engines of its own in worker processes: a front end, not a command
    of the table (see tuiphone.load)."""
    from tuiphone.load import options

    load = sub.add_parser("load", help=options.HELP, description=options.DESCRIPTION)
    options.add_arguments(load)
    load.set_defaults(front_end="load")
