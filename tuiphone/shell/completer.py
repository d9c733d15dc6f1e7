"""Completion for the shell: commands, their options, account ids, call ids, contacts."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

from prompt_toolkit.completion import CompleteEvent, Completer, Completion
from prompt_toolkit.document import Document

from tuiphone.commands.completion import candidates, wants_contact
from tuiphone.commands.parse import split_line
from tuiphone.commands.table import BY_NAME
from tuiphone.engine.api import PhoneApi
from tuiphone.model.contact import ContactSummary
from tuiphone.model.errors import UsageError

SHELL_WORDS = ("help", "exit", "quit")
ContactSource = Callable[[], Iterable[ContactSummary]]


class CommandCompleter(Completer):
    """Completes from the live phone state, so new calls show up at once."""

    def __init__(self, phone: PhoneApi, contacts: ContactSource = lambda: ()) -> None:
        self.phone = phone
        self.book = contacts

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
        return wants_contact(before, current)

    def contact_completions(self, current: str) -> Iterator[Completion]:
        """Match the name or the first address; insert that address."""
        low = current.lower()
        for contact in self.book():
            targets, name = contact.dial_targets(), contact.name
            if not targets:
                continue
            dial = targets[0]
            if dial.startswith(current) or any(w.startswith(low) for w in name.lower().split()):
                yield Completion(dial, start_position=-len(current), display=f"{name} <{dial}>")

    def candidates(self, before: list[str], current: str) -> list[str]:
        if before and before[0] == "help":
            return sorted(BY_NAME)
        return candidates(before, current, self, SHELL_WORDS)

    def accounts(self) -> list[str]:
        return [a.id for a in self.phone.state().accounts]

    def calls(self) -> list[str]:
        return [c.id for c in self.phone.state().calls]

    def contacts(self, prefix: str) -> list[str]:
        """The echo line; address-book contacts come from ``contact_completions``."""
        return ["echo"] if self.phone.state().echo_uri else []
