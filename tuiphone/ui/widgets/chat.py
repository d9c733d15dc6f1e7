"""Chat pane: thread list with unread counts, the conversation (delivery marks,
"is typing…"), and a compose box that says when a long text goes in parts."""

from __future__ import annotations

import time
from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message as TMessage
from textual.reactive import reactive
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from tuiphone.model import longtext
from tuiphone.model.message import Message
from tuiphone.ui.chat_model import ChatBook, Thread
from tuiphone.ui.format import delivery_mark, thread_key


class ChatPane(Horizontal):
    """Holds a ``ChatBook``. Posts ``ChatPane.SendRequested`` when the user sends.

    ``names`` maps thread keys to contact names, when known (bound by the screen)."""

    names: reactive[dict[str, str]] = reactive(dict)

    @dataclass
    class SendRequested(TMessage):
        peer: str
        body: str

    @dataclass
    class Typed(TMessage):
        """The user typed to ``peer`` (at most once a second per peer)."""

        peer: str

    @dataclass
    class Read(TMessage):
        """The user sees the thread of these peers (as their messages name them)."""

        peers: tuple[str, ...]

    def __init__(self, book: ChatBook | None = None, current: str | None = None,
                 **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.book = book or ChatBook()
        self.current = current  # thread key
        self.visible = True  # the screen clears this while the pane is hidden in a tab
        self.typing: dict[str, str] = {}  # thread key -> the peer URI typing in it
        self._typed_at: dict[str, float] = {}

    def compose(self) -> ComposeResult:
        yield OptionList(id="threads")
        with Vertical(id="conversation-box"):
            yield Input(placeholder="to: contact, user or sip: URI", id="chat-to")
            with VerticalScroll(id="conversation"):
                yield Static("No messages yet.", id="conversation-text")
            yield Static("", id="chat-typing")
            yield Input(placeholder="message — Enter sends", id="chat-body")
            yield Static("", id="chat-hint")

    def on_mount(self) -> None:
        self._render_threads()
        self._render_conversation()

    def add(self, message: Message) -> None:
        """Show a new message or a delivery update."""
        reading = self._reading(message.peer)
        thread = self.book.add(message, unread=not reading)
        if message.direction == "in":
            self.typing.pop(thread.key, None)  # a message ends the typing
        self._render_threads()
        if thread.key == self.current:
            self._render_conversation()
        if reading and message.direction == "in":
            self.post_message(self.Read((message.peer,)))

    def show_typing(self, peer: str, active: bool) -> None:
        """A TypingChanged from the engine."""
        key = thread_key(peer)  # no thread is made for it: typing is never a message
        if active:
            self.typing[key] = peer
        else:
            self.typing.pop(key, None)
        if self.is_mounted:
            self._render_typing()

    def open_thread(self, uri: str) -> None:
        thread = self.book.thread(uri)
        self.current = thread.key
        thread.unread = 0
        self.query_one("#chat-to", Input).value = thread.uri
        self._render_threads()
        self._render_conversation()
        self._post_read(thread)

    def mark_visible(self, visible: bool) -> None:
        self.visible = visible
        if visible and self.current in self.book.threads:
            self.book.threads[self.current].unread = 0
            self._render_threads()
            self._post_read(self.book.threads[self.current])

    def _post_read(self, thread: Thread) -> None:
        if not self.visible:
            return
        peers = tuple(sorted({m.peer for m in thread.messages.values() if m.direction == "in"}))
        if peers:
            self.post_message(self.Read(peers))

    def _reading(self, peer: str) -> bool:
        return self.visible and self.current == self.book.thread(peer).key

    def watch_names(self) -> None:
        if self.is_mounted:
            self._render_threads()

    def _render_threads(self) -> None:
        threads = self.query_one("#threads", OptionList)
        threads.clear_options()
        for t in self.book.threads.values():
            name = self.names.get(t.key, t.key)
            label = f"{name} ({t.unread})" if t.unread else name
            threads.add_option(Option(label, id=t.key))
        if self.current in self.book.threads:
            threads.highlighted = list(self.book.threads).index(self.current)

    def _render_conversation(self) -> None:
        thread = self.book.threads.get(self.current or "")
        self.query_one("#conversation-text", Static).update(_conversation(thread))
        self.query_one("#conversation", VerticalScroll).scroll_end(animate=False)
        self._render_typing()

    def _render_typing(self) -> None:
        peer = self.typing.get(self.current or "")
        who = (self.names.get(self.current or "") or (self.current or "").split("@")[0]
               if peer else "")
        line = self.query_one("#chat-typing", Static)
        line.update(f"{who} is typing…" if peer else "")
        line.display = bool(peer)  # takes no room while nobody types

    @on(Input.Changed, "#chat-body")
    def _typed(self, event: Input.Changed) -> None:
        parts = longtext.part_count(event.value)
        size = len(event.value.encode("utf-8"))
        hint = ""
        if parts > longtext.MAX_PARTS:
            hint = (f"{size} bytes: too long (at most {longtext.MAX_PARTS} parts of "
                    f"{longtext.SAFE_BYTES} bytes)")
        elif parts > 1:
            hint = f"{size} bytes: will be sent in {parts} parts"
        shown = self.query_one("#chat-hint", Static)
        shown.update(hint)
        shown.display = bool(hint)
        peer = self.query_one("#chat-to", Input).value.strip()
        now = time.monotonic()
        if peer and event.value and now - self._typed_at.get(peer, -9.0) >= 1.0:
            self._typed_at[peer] = now
            self.post_message(self.Typed(peer))

    @on(OptionList.OptionSelected, "#threads")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        thread = self.book.threads.get(event.option.id or "")
        if thread is not None:
            self.open_thread(thread.uri)
            self.query_one("#chat-body", Input).focus()

    @on(Input.Submitted, "#chat-to")
    def _to(self, event: Input.Submitted) -> None:
        if event.value.strip():
            self.open_thread(event.value.strip())
            self.query_one("#chat-body", Input).focus()

    @on(Input.Submitted, "#chat-body")
    def _send(self, event: Input.Submitted) -> None:
        peer = self.query_one("#chat-to", Input).value.strip()
        body = event.value
        if not peer:
            self.notify("Pick a thread or type an address first", severity="warning")
            return
        if body.strip():
            event.input.value = ""
            self._typed_at.pop(peer, None)
            self.post_message(self.SendRequested(peer, body))


def _conversation(thread: Thread | None) -> Text:
    if thread is None or not thread.messages:
        return Text("No messages yet.")
    text = Text()
    for m in sorted(thread.messages.values(), key=lambda m: m.timestamp):
        who = "me" if m.direction == "out" else thread.key.split("@")[0]
        text.append(f"{who}: ", style="bold")
        text.append(m.body)
        mark = delivery_mark(m)
        if mark:
            text.append(f"  {mark}", style="dim")
        if m.truncated:
            text.append("  ✂ truncated: not all of it arrived", style="bold red")
        text.append("\n")
    return text

