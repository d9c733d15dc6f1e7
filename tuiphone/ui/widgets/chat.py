"""Chat pane: thread list with unread counts, the conversation, and a compose box."""

from __future__ import annotations

from dataclasses import dataclass

from rich.console import Group, RenderableType
from rich.padding import Padding
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message as TMessage
from textual.reactive import reactive
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from tuiphone.model.files import FileTransfer, TransferState
from tuiphone.model.message import Message
from tuiphone.ui.actions import bindings_for
from tuiphone.ui.chat_model import ChatBook, Thread
from tuiphone.ui.file_preview import image_preview, is_image
from tuiphone.ui.format import delivery_mark, transfer_row
from tuiphone.ui.screens.prompt import PromptScreen


class ChatPane(Horizontal):
    """Holds a ``ChatBook``. Posts ``ChatPane.SendRequested`` when the user sends.

    ``names`` maps thread keys to contact names, when known (bound by the screen)."""

    BINDINGS = bindings_for("chat")
    names: reactive[dict[str, str]] = reactive(dict)

    @dataclass
    class SendRequested(TMessage):
        peer: str
        body: str

    @dataclass
    class AttachRequested(TMessage):
        peer: str
        path: str

    def __init__(self, book: ChatBook | None = None, current: str | None = None,
                 **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.book = book or ChatBook()
        self.current = current  # thread key
        self.visible = True  # the screen clears this while the pane is hidden in a tab
        self.transfers: dict[str, FileTransfer] = {}  # message id -> its file's progress
        self.previews: dict[str, RenderableType] = {}  # message id -> its image, half-blocks

    def compose(self) -> ComposeResult:
        yield OptionList(id="threads")
        with Vertical(id="conversation-box"):
            yield Input(placeholder="to: contact, user or sip: URI", id="chat-to")
            with VerticalScroll(id="conversation"):
                yield Static("No messages yet.", id="conversation-text")
            yield Input(placeholder="message — Enter sends", id="chat-body")

    def on_mount(self) -> None:
        self._render_threads()
        self._render_conversation()

    def add(self, message: Message) -> None:
        """Show a new message or a delivery update."""
        thread = self.book.add(message, unread=not self._reading(message.peer))
        self._render_threads()
        if thread.key == self.current:
            self._render_conversation()

    def progress(self, transfer: FileTransfer) -> None:
        """Show an attachment's upload or download progress under its message."""
        self.transfers[transfer.message_id] = transfer
        if (transfer.state in (TransferState.SAVED, TransferState.UPLOADED) and transfer.path
                and is_image(transfer.filename) and transfer.message_id not in self.previews):
            self._load_preview(transfer.message_id, transfer.path)
        self._render_if_shown(transfer.message_id)

    def _render_if_shown(self, message_id: str) -> None:
        thread = self.book.threads.get(self.current or "")
        if thread is not None and message_id in thread.messages:
            self._render_conversation()

    @work(thread=True, group="chat-preview")
    def _load_preview(self, message_id: str, path: str) -> None:
        preview = image_preview(path)
        if preview is not None:
            self.app.call_from_thread(self._set_preview, message_id, preview)

    def _set_preview(self, message_id: str, preview: RenderableType) -> None:
        self.previews[message_id] = preview
        self._render_if_shown(message_id)

    def action_attach(self) -> None:
        peer = self.query_one("#chat-to", Input).value.strip()
        if not peer:
            self.notify("Pick a thread or type an address first", severity="warning")
            return

        def chosen(path: str | None) -> None:
            if path:
                self.post_message(self.AttachRequested(peer, path))

        self.app.push_screen(PromptScreen(f"Send a file to {peer} (encrypted)",
                                          "path, e.g. ~/photo.jpg"), chosen)

    def open_thread(self, uri: str) -> None:
        thread = self.book.thread(uri)
        self.current = thread.key
        thread.unread = 0
        self.query_one("#chat-to", Input).value = thread.uri
        self._render_threads()
        self._render_conversation()

    def mark_visible(self, visible: bool) -> None:
        self.visible = visible
        if visible and self.current in self.book.threads:
            self.book.threads[self.current].unread = 0
            self._render_threads()

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
        self.query_one("#conversation-text", Static).update(
            _conversation(thread, self.transfers, self.previews))
        self.query_one("#conversation", VerticalScroll).scroll_end(animate=False)

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
            self.post_message(self.SendRequested(peer, body))


def _conversation(thread: Thread | None, transfers: dict[str, FileTransfer],
                  previews: dict[str, RenderableType]) -> RenderableType:
    if thread is None or not thread.messages:
        return Text("No messages yet.")
    parts: list[RenderableType] = []
    text = Text()
    for m in sorted(thread.messages.values(), key=lambda m: m.timestamp):
        who = "me" if m.direction == "out" else thread.key.split("@")[0]
        text.append(f"{who}: ", style="bold")
        text.append(m.body)
        mark = delivery_mark(m)
        if mark:
            text.append(f"  {mark}", style="dim")
        text.append("\n")
        if m.id in transfers:
            text.append(f"  {transfer_row(transfers[m.id])}\n", style="dim")
        elif m.direction == "in" and m.reason.startswith("file: "):  # e.g. the link expired
            text.append(f"  📎 {m.reason}\n", style="dim")
        if m.id in previews:
            parts += [text, Padding(previews[m.id], (0, 0, 0, 2))]
            text = Text()
    return Group(*parts, text) if parts else text
