"""Search the chat history (the engine's full-text index): type words, Enter searches,
pick a result and Enter jumps to it in its thread. ctrl+t switches between every
thread and the open one."""

from __future__ import annotations

import re
import time
from collections.abc import Awaitable, Callable, Mapping

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from tuiphone.model.errors import TuiphoneError
from tuiphone.model.message import Message, peer_key

Search = Callable[[str, str | None], Awaitable[list[Message]]]  # (text, thread uri or None)
LIMIT = 200


class ChatSearchScreen(ModalScreen[Message | None]):
    """Dismisses with the picked message, or None on Escape."""

    BINDINGS = [("escape", "cancel", "Cancel"), ("ctrl+t", "scope", "This thread / all")]

    def __init__(self, search: Search, thread_uri: str | None = None,
                 names: Mapping[str, str] | None = None, text: str = "") -> None:
        super().__init__()
        self.search = search
        self.thread_uri = thread_uri
        self.only_thread = False
        self.names = dict(names or {})
        self.text = text
        self.found: dict[str, Message] = {}

    def compose(self) -> ComposeResult:
        with Vertical(id="chat-search-box"):
            yield Label(self._scope_words(), id="chat-search-scope")
            yield Input(self.text, placeholder="words to find — Enter searches",
                        id="chat-search-input")
            yield Label("", id="chat-search-status")
            yield OptionList(id="chat-search-results")

    def _scope_words(self) -> str:
        where = (f"in {self._who(self.thread_uri)}" if self.only_thread and self.thread_uri
                 else "in every thread")
        switch = " (ctrl+t: only this thread)" if self.thread_uri and not self.only_thread \
            else " (ctrl+t: every thread)" if self.thread_uri else ""
        return f"Search {where}{switch}"

    def _who(self, uri: str) -> str:
        key = peer_key(uri)
        return self.names.get(key, key)

    def action_scope(self) -> None:
        if self.thread_uri is None:
            return
        self.only_thread = not self.only_thread
        self.query_one("#chat-search-scope", Label).update(self._scope_words())
        text = self.query_one("#chat-search-input", Input).value
        if text.strip():
            self._run(text)

    @on(Input.Submitted, "#chat-search-input")
    def _submitted(self, event: Input.Submitted) -> None:
        if event.value.strip():
            self._run(event.value)

    @work(exclusive=True, group="chat-search")
    async def _run(self, text: str) -> None:
        status = self.query_one("#chat-search-status", Label)
        results = self.query_one("#chat-search-results", OptionList)
        scope = self.thread_uri if self.only_thread else None
        try:
            found = await self.search(text, scope)
        except TuiphoneError as err:
            results.clear_options()
            status.update(Text(str(err), style="bold red"))
            return
        self.found = {m.id: m for m in found}
        words = [w.strip('"*').lower() for w in text.split() if w.strip('"*')]
        results.set_options(Option(self._line(m, words), id=m.id) for m in found)
        more = " (the newest shown)" if len(found) >= LIMIT else ""
        status.update(f"{len(found)} found{more}" if found else "nothing found")
        if found:
            results.highlighted = 0
            results.focus()

    def _line(self, m: Message, words: list[str]) -> Text:
        when = time.strftime("%Y-%m-%d %H:%M", time.localtime(m.timestamp))
        who = "me → " if m.direction == "out" else ""
        line = Text()
        line.append(f"{when}  ", style="dim")
        line.append(f"{who}{self._who(m.peer)}: ", style="bold")
        start = len(line)
        line.append(m.body.replace("\n", " "))
        for word in words:  # the words typed, where the text has them as typed
            for found in re.finditer(re.escape(word), line.plain[start:].lower()):
                line.stylize("bold reverse", start + found.start(), start + found.end())
        return line

    @on(OptionList.OptionSelected, "#chat-search-results")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.found.get(event.option.id or ""))

    def action_cancel(self) -> None:
        self.dismiss(None)
