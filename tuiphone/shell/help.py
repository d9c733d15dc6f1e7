"""``help`` and ``help COMMAND`` inside the shell."""

from __future__ import annotations

import argparse

from tuiphone.commands.runner import list_commands, parser
from tuiphone.commands.table import find


def overview() -> str:
    rows = [f"  {c.name:<12} {c.help}" for c in list_commands()]
    tail = ("\nhelp COMMAND shows its options; 'exit' or Ctrl-D leaves.\n"
            "Global options: --account ID, --json.")
    return "Commands:\n" + "\n".join(rows) + tail


def command_help(name: str) -> str:
    command = find(name)
    if command is None:
        return f"no command {name!r}; type 'help' for the list"
    sub = next(a for a in parser()._actions if isinstance(a, argparse._SubParsersAction))
    return str(sub.choices[command.name].format_help())


def help_text(words: list[str]) -> str:
    return command_help(words[1]) if len(words) > 1 else overview()
