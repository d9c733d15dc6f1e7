"""What to offer for the word being typed: commands, options, choices and live values.

Shared by the shell's completer (prompt_toolkit) and ``tuiphone __complete`` (bash, zsh,
fish), and read only from the command table. Live values (account and call ids,
contacts) come from a ``Values`` object, so each front end decides where they come from.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from tuiphone.commands.spec import Arg, Command
from tuiphone.commands.table import BY_NAME, COMMANDS

GLOBAL_FLAGS = ("--account", "--json", "--config")
VALUE_FLAGS = ("--account", "--config")


class Values(Protocol):
    def accounts(self) -> list[str]: ...

    def calls(self) -> list[str]: ...

    def contacts(self, prefix: str) -> list[str]:
        """Addresses to dial or message whose contact's name or address starts so."""
        ...


def candidates(before: Sequence[str], current: str, values: Values,
               extra_commands: Sequence[str] = ()) -> list[str]:
    """Words that may replace ``current`` after the words ``before`` (the command line
    from the command name on): those starting with ``current``, and contacts whose name
    matches it (their address replaces the word)."""
    words = _offer(list(before), current, values, extra_commands)
    if wants_contact(before, current):
        return list(dict.fromkeys(words))  # matched by name or address already
    return [w for w in dict.fromkeys(words) if w.startswith(current)]


def wants_contact(before: Sequence[str], current: str) -> bool:
    command = BY_NAME.get(before[0]) if before else None
    if command is None or current.startswith("-"):
        return False
    spec = option_for(command, before[-1]) or positional(command, before)
    return spec is not None and spec.complete == "contact"


def _offer(before: list[str], current: str, values: Values,
           extra: Sequence[str]) -> list[str]:
    while before and before[0].startswith("-"):  # global options before the command
        flag = before.pop(0)
        if flag in VALUE_FLAGS and not before:
            return values.accounts() if flag == "--account" else []
        if flag in VALUE_FLAGS:
            before.pop(0)
    if not before:
        if current.startswith("-"):
            return list(GLOBAL_FLAGS)
        names = {c.name for c in COMMANDS} if not current else {n for c in COMMANDS
                                                                 for n in c.names}
        return sorted(names | set(extra))
    command = BY_NAME.get(before[0])
    if command is None:
        return []
    if before[-1] == "--account":
        return values.accounts()
    if before[-1] == "--config":
        return []
    if current.startswith("-"):
        return [f for a in command.args for f in a.flags if f.startswith("--")] + list(
            GLOBAL_FLAGS)
    return _values(command, before, current, values)


def _values(command: Command, before: list[str], current: str, values: Values) -> list[str]:
    spec = option_for(command, before[-1]) or positional(command, before)
    if spec is None or spec.complete is None:
        return []
    if isinstance(spec.complete, tuple):
        return list(spec.complete)
    if spec.complete == "account":
        return values.accounts()
    if spec.complete == "call":
        return values.calls()
    return values.contacts(current)


def option_for(command: Command, word: str) -> Arg | None:
    return next((a for a in command.args if word in a.flags and not a.positional), None)


def positional(command: Command, before: Sequence[str]) -> Arg | None:
    """The positional argument the next word fills (options and their values skipped)."""
    taking_value = {f for a in command.args if not a.positional
                    and a.options.get("action") not in ("store_true", "append_const")
                    for f in a.flags} | set(VALUE_FLAGS)
    count, skip = 0, False
    for word in before[1:]:
        if skip:
            skip = False
        elif word.startswith("-"):
            skip = word in taking_value
        else:
            count += 1
    positionals = [a for a in command.args if a.positional]
    if not positionals:
        return None
    return positionals[min(count, len(positionals) - 1)]
