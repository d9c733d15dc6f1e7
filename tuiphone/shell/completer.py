"""Completion for the shell: commands, their options, account ids, call ids, contacts."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

from prompt_toolkit.completion import CompleteEvent, Completer, Completion
from prompt_toolkit.document import Document

from tuiphone.commands.parse import split_line
from tuiphone.commands.spec import Arg, Command
from tuiphone.commands.table import BY_NAME, COMMANDS
from tuiphone.engine.api import PhoneApi
from tuiphone.model.contact import ContactSummary
from tuiphone.model.errors import UsageError

SHELL_WORDS = ("help", "exit", "quit")
GLOBAL_FLAGS = ("--account", "--json", "--config")
ContactSource = Callable[[], Iterable[ContactSummary]]


class CommandCompleter(Completer):
    """Completes from the live phone state, so new calls show up at once."""

    def __init__(self, phone: PhoneApi, contacts: ContactSource = lambda: ()) -> None:
        self.phone = phone
        self.contacts = contacts

    def get_completions(self, document: Document, event: CompleteEvent) -> Iterator[Completion]:
        text = document.text_before_cursor
        try:
            words = split_line(text)
        except UsageError:
            return
        current = "" if not words or text.endswith(" ") else words.pop()
        for word in self.candidates(words, current):
            if word.startswith(current):
                yield Completion(word, start_position=-len(current))
        if self.wants_contact(words, current):
            yield from self.contact_completions(current)

    def wants_contact(self, before: list[str], current: str) -> bool:
        command = BY_NAME.get(before[0]) if before else None
        if command is None or current.startswith("-"):
            return False
        spec = _option_for(command, before[-1]) or _positional(command, before)
        return spec is not None and spec.complete == "contact"

    def contact_completions(self, current: str) -> Iterator[Completion]:
        """Match the name or the first address; insert that address."""
        low = current.lower()
        for contact in self.contacts():
            targets, name = contact.dial_targets(), contact.name
            if not targets:
                continue
            dial = targets[0]
            if dial.startswith(current) or any(w.startswith(low) for w in name.lower().split()):
                yield Completion(dial, start_position=-len(current), display=f"{name} <{dial}>")

    def candidates(self, before: list[str], current: str) -> list[str]:
        if not before:
            return sorted({n for c in COMMANDS for n in c.names} | set(SHELL_WORDS))
        if before[0] == "help":
            return sorted(BY_NAME)
        command = BY_NAME.get(before[0])
        if command is None:
            return []
        if before[-1] == "--account":
            return self.accounts()
        if current.startswith("-"):
            return [f for a in command.args for f in a.flags if f.startswith("--")] + list(
                GLOBAL_FLAGS)
        return self.values(command, before)

    def values(self, command: Command, before: list[str]) -> list[str]:
        spec = _option_for(command, before[-1]) or _positional(command, before)
        if spec is None or spec.complete is None:
            return []
        if isinstance(spec.complete, tuple):
            return list(spec.complete)
        return {"account": self.accounts, "call": self.calls,
                "contact": self.echo}[spec.complete]()

    def accounts(self) -> list[str]:
        return [a.id for a in self.phone.state().accounts]

    def calls(self) -> list[str]:
        return [c.id for c in self.phone.state().calls]

    def echo(self) -> list[str]:
        return ["echo"] if self.phone.state().echo_uri else []


def _option_for(command: Command, word: str) -> Arg | None:
    return next((a for a in command.args if word in a.flags and not a.positional), None)


def _positional(command: Command, before: list[str]) -> Arg | None:
    """The positional argument the next word fills (options and their values skipped)."""
    taking_value = {f for a in command.args if not a.positional
                    and a.options.get("action") not in ("store_true", "append_const")
                    for f in a.flags} | {"--account", "--config"}
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
