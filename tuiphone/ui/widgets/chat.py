"""Chat pane: thread list with unread counts, the conversation (grouped by day, a time
and a delivery mark on each message, "is typing…"), and a compose box that says when a
long text goes in parts.

The conversation is a list with a cursor over the loaded page(s) of one thread: opening
a thread asks for its newest page; moving (or scrolling) past the top asks for the page
before, and after a jump to a search result past the bottom the page after. y copies
the message under the cursor (OSC 52, so it works over SSH), r asks to send a failed one
again, and Ctrl+O asks for a file to send. A file message gets a row with its upload or
download progress under its line, and an image a small half-block preview (the sender's
thumbnail until the file itself is saved, when it sent one; both part of
the message's option). The pane posts what it wants; the screen asks the engine
(``ChatActions``) and answers with ``show_page``, ``resent``, ``jump_to`` or ``progress``.
Typing in the compose box posts ``Typed`` (at most once a second per peer) for the
engine's is-composing.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from rich.console import Group, RenderableType
from rich.padding import Padding
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.events import Resize
from textual.message import Message as TMessage
from textual.reactive import reactive
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option, OptionDoesNotExist

from tuiphone.model import longtext
from tuiphone.model.files import FileTransfer, TransferState
from tuiphone.model.message import Delivery, Message
from tuiphone.ui.actions import bindings_for
from tuiphone.ui.chat_lines import DAY_ID, DayLine, day_label, day_of, message_line, with_days
from tuiphone.ui.chat_model import PAGE, ChatBook, Thread
from tuiphone.ui.file_preview import image_preview, is_image
from tuiphone.ui.format import transfer_row
from tuiphone.ui.screens.prompt import PromptScreen
from tuiphone.ui.widgets.conversation import ConversationList

EMPTY = "No messages yet."
EDGE = 2  # the cursor this close to an end of the loaded pages fetches the next page
NARROW_BELOW = 46  # a pane narrower than this puts the thread list above the conversation


class ChatPane(Horizontal):
    """Holds a ``ChatBook``. Posts ``SendRequested`` when the user sends (``AttachRequested``
    for a file), ``PageWanted``, ``ReadWanted``, ``ResendRequested``, ``SearchRequested``
    and ``Typed`` for the screen to do.

    ``names`` maps thread keys to contact names, when known (bound by the screen);
    ``clock`` says what "Today" is."""

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

    @dataclass
    class UnreadChanged(TMessage):
        total: int  # unread messages in every thread

    @dataclass
    class PageWanted(TMessage):
        """A page of the thread ``key`` (at ``uri``): its newest, the one just before or
        after a message id, or (``around``) the one centred on a message."""

        key: str
        uri: str
        before: str | None = None
        after: str | None = None
        around: str | None = None

    @dataclass
    class ReadWanted(TMessage):
        """The user sees this thread: mark it read in the database (which also sends
        the display receipts its messages asked for)."""

        uri: str

    @dataclass
    class Typed(TMessage):
        """The user typed to ``peer`` (at most once a second per peer)."""

        peer: str

    @dataclass
    class ResendRequested(TMessage):
        message_id: str

    @dataclass
    class SearchRequested(TMessage):
        thread_uri: str | None  # the open thread, which the search may narrow to

    def __init__(self, book: ChatBook | None = None, current: str | None = None,
                 clock: Callable[[], float] = time.time, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.clock = clock
        self.book = book or ChatBook()
        self.current = current  # thread key
        self.visible = True  # the screen clears this while the pane is hidden in a tab
        self._fetching = False
        self._unread = 0
        self._thread_labels: list[tuple[str, str]] = []  # (key, plain label) shown
        self.typing: dict[str, str] = {}  # thread key -> the peer URI typing in it
        self._typed_at: dict[str, float] = {}
        self.transfers: dict[str, FileTransfer] = {}  # message id -> its file's progress
        self.previews: dict[str, RenderableType] = {}  # message id -> its image, half-blocks
        self._from_thumbnail: set[str] = set()  # previews from a thumbnail, until the file

    def compose(self) -> ComposeResult:
        yield OptionList(id="threads")
        with Vertical(id="conversation-box"):
            yield Input(placeholder="to: contact, user or sip: URI", id="chat-to")
            yield ConversationList(id="conversation")
            yield Static("", id="chat-typing")
            yield Input(placeholder="message — Enter sends", id="chat-body")
            yield Static("", id="chat-hint")

    def on_mount(self) -> None:
        self._render_threads()
        self._render_conversation()

    def on_resize(self, event: Resize) -> None:
        self.set_class(event.size.width < NARROW_BELOW, "-narrow")

    def refresh_threads(self) -> None:
        """The book changed underneath (the engine's thread list arrived)."""
        self.current = self.book.alias.get(self.current or "", self.current)
        self._render_threads()
        thread = self.book.threads.get(self.current or "")
        if thread is not None and not thread.loaded:
            self._open(thread, None)
        else:
            self._render_conversation()

    # what the screen tells us

    def add(self, message: Message) -> None:
        """Show a new message or a delivery update."""
        shown = self.book.threads.get(self.book.key_of(message.peer))
        if shown is not None and shown.newer and message.direction == "out" \
                and message.id not in shown.messages and shown.key == self.current:
            # sent while an old page (a search hit) is shown: back to the newest page
            shown.newer = False
            shown.loaded = False
            shown.messages.clear()
            self.book.add(message)
            self._open(shown, None)
            return
        thread = self.book.add(message, unread=not self._reading(message.peer))
        if message.direction == "in" and self.typing.pop(thread.key, None) is not None \
                and thread.key == self.current:
            self._render_typing()  # a message ends the typing
        self._render_threads()
        if thread.key != self.current:
            return
        if message.direction == "in" and self._reading(message.peer):
            self._mark_read(thread.uri)
        conv = self.query_one("#conversation", ConversationList)
        if message.id not in thread.messages:
            return  # an old page is shown; the thread list has it
        try:
            conv.get_option_index(message.id)
        except OptionDoesNotExist:
            self._render_conversation(follow=True)
        else:
            conv.replace_option_prompt(message.id, self._prompt(message, thread))

    def progress(self, transfer: FileTransfer) -> None:
        """Show an attachment's upload or download progress under its message."""
        self.transfers[transfer.message_id] = transfer
        mid = transfer.message_id
        if transfer.thumbnail and mid not in self.previews:
            self._from_thumbnail.add(mid)  # the sender's thumbnail, before the file
            self._load_preview(mid, transfer.thumbnail)
        if (transfer.state in (TransferState.SAVED, TransferState.UPLOADED) and transfer.path
                and is_image(transfer.filename)
                and (mid not in self.previews or mid in self._from_thumbnail)):
            self._from_thumbnail.discard(mid)
            self._load_preview(mid, transfer.path)
        self._rerender_message(mid)

    def _rerender_message(self, message_id: str) -> None:
        """Redraw one message's option, when it is in the list shown."""
        thread = self.book.threads.get(self.current or "")
        message = thread.messages.get(message_id) if thread is not None else None
        if thread is None or message is None:
            return
        conv = self.query_one("#conversation", ConversationList)
        try:
            conv.replace_option_prompt(message_id, self._prompt(message, thread))
        except OptionDoesNotExist:
            self._render_conversation()

    @work(thread=True, group="chat-preview")
    def _load_preview(self, message_id: str, path: str) -> None:
        preview = image_preview(path)
        if preview is not None:
            self.app.call_from_thread(self._set_preview, message_id, preview)

    def _set_preview(self, message_id: str, preview: RenderableType) -> None:
        self.previews[message_id] = preview
        self._rerender_message(message_id)

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

    def show_typing(self, peer: str, active: bool) -> None:
        """A TypingChanged from the engine."""
        key = self.book.key_of(peer)  # no thread is made for it: typing is never a message
        if active:
            self.typing[key] = peer
        else:
            self.typing.pop(key, None)
        if self.is_mounted:
            self._render_typing()

    def open_thread(self, uri: str, at: str | None = None) -> None:
        """Show the thread of ``uri`` (its newest page, or the page around message ``at``)."""
        thread = self.book.thread(uri)
        self.current = thread.key
        self.query_one("#chat-to", Input).value = thread.uri
        self._open(thread, at)

    def jump_to(self, message: Message) -> None:
        """Open the message's thread at that message, the cursor on it."""
        self.open_thread(message.peer, at=message.id)
        self.query_one("#conversation", ConversationList).focus()

    def mark_visible(self, visible: bool) -> None:
        self.visible = visible
        if visible and self.current in self.book.threads:
            thread = self.book.threads[self.current]
            if thread.unread:
                thread.unread = 0
                self._mark_read(thread.uri)
                self._render_threads()

    def conversation_text(self) -> str:
        """The conversation as shown: a line per day and per message ("22:12  me: hello
        ✓ sent") and one per file's progress row (for tests and copying; an image preview
        is not text)."""
        conv = self.query_one("#conversation", ConversationList)
        return "\n".join(_plain(option.prompt) for option in conv.options)

    def _reading(self, peer: str) -> bool:
        return self.visible and self.current == self.book.key_of(peer)

    def watch_names(self) -> None:
        if self.is_mounted:
            self._render_threads()

    # fetching pages

    def _open(self, thread: Thread, at: str | None) -> None:
        had_unread = thread.unread > 0
        thread.unread = 0
        self._render_threads()
        self._render_conversation(follow=True)
        if had_unread and self.visible:
            self._mark_read(thread.uri)
        if at is not None or not thread.loaded:
            self._want(self.PageWanted(thread.key, thread.uri, around=at))

    def _want(self, want: ChatPane.PageWanted) -> None:
        self._fetching = True
        self.post_message(want)

    def page_failed(self) -> None:
        """No page came (no engine yet, or it failed): the next move may ask again."""
        self._fetching = False

    def show_page(self, want: ChatPane.PageWanted, page: list[Message]) -> None:
        """The page ``want`` asked for."""
        self._fetching = False
        thread = self.book.threads.get(want.key)
        if thread is None:
            return
        if want.around is not None:
            self.book.set_page(thread.key, page, replace=True)
            ids = [m.id for m in page]
            before = ids.index(want.around) if want.around in ids else 0
            thread.older = before >= (PAGE - 1) // 2
            thread.newer = bool(page) and thread.last is not None and \
                thread.last.id != page[-1].id and thread.last.timestamp >= page[-1].timestamp
        else:
            self.book.set_page(thread.key, page)
            if want.after is not None:
                thread.newer = len(page) >= PAGE
            else:
                thread.older = len(page) >= PAGE
                thread.newer = thread.newer and want.before is not None
        if thread.key != self.current:
            return
        edge = want.before or want.after
        if want.around is not None:
            self._render_conversation(cursor=want.around)
        elif edge is not None:
            self._render_conversation(cursor=edge, top=want.before is not None)
        else:
            self._render_conversation(follow=True)

    def _edge_reached(self, older: bool) -> None:
        thread = self.book.threads.get(self.current or "")
        if thread is None or self._fetching or not (thread.older if older else thread.newer):
            return
        loaded = thread.ordered()
        if loaded:
            edge = loaded[0].id if older else loaded[-1].id
            self._want(self.PageWanted(thread.key, thread.uri, before=edge if older else None,
                                       after=None if older else edge))

    @on(ConversationList.Moved)
    def cursor_moved(self) -> None:
        """The user moved the cursor: at an end of the loaded pages, fetch the next."""
        conv = self.query_one("#conversation", ConversationList)
        if conv.highlighted is None:
            return
        messages = [o.id for o in conv.options if not o.disabled]
        option = conv.highlighted_option
        at = messages.index(option.id) if option is not None and option.id in messages else 0
        if at < EDGE:
            self._edge_reached(older=True)
        elif at >= len(messages) - EDGE:
            self._edge_reached(older=False)

    @on(ConversationList.Scrolled)
    def scrolled(self) -> None:
        """The user scrolled (mouse wheel): at an end, fetch the next page."""
        conv = self.query_one("#conversation", ConversationList)
        if conv.max_scroll_y <= 0:
            return
        if conv.scroll_y <= 0:
            self._edge_reached(older=True)
        elif conv.scroll_y >= conv.max_scroll_y:
            self._edge_reached(older=False)

    def _mark_read(self, uri: str) -> None:
        self.post_message(self.ReadWanted(uri))

    # actions on the message under the cursor

    @on(ConversationList.Wants)
    def _wants(self, event: ConversationList.Wants) -> None:
        {"copy": self.copy_highlighted, "resend": self.resend_highlighted,
         "search": self.action_search}[event.action]()

    def highlighted_message(self) -> Message | None:
        conv = self.query_one("#conversation", ConversationList)
        thread = self.book.threads.get(self.current or "")
        option = conv.highlighted_option
        if thread is None or option is None:
            return None
        return thread.messages.get(option.id or "")

    def copy_highlighted(self) -> None:
        message = self.highlighted_message()
        if message is None:
            self.notify("No message under the cursor", severity="warning")
            return
        self.app.copy_to_clipboard(message.body)
        self.notify("Message copied", timeout=2)

    def resend_highlighted(self) -> None:
        message = self.highlighted_message()
        if message is None or message.direction != "out" \
                or message.delivery is not Delivery.FAILED:
            self.notify("Only a failed message can be sent again", severity="warning")
            return
        self.post_message(self.ResendRequested(message.id))

    def resent(self, queued: Message) -> None:
        """A failed message is queued again: it moves to the end (written again now)."""
        thread = self.book.thread(queued.peer)
        thread.messages.pop(queued.id, None)
        self.book.add(queued)
        if thread.key == self.current:
            self._render_conversation(cursor=queued.id)

    def action_search(self) -> None:
        thread = self.book.threads.get(self.current or "")
        self.post_message(self.SearchRequested(thread.uri if thread else None))

    # rendering

    def _label(self, thread: Thread) -> Text:
        """The name after the unread count as a badge: a narrow list cuts the name's end
        off, never the count."""
        name = self.names.get(thread.key, thread.key)
        if not thread.unread:
            return Text(name)
        count = f"{thread.unread}" if thread.unread < 1000 else "999+"
        return Text.assemble((count, "bold reverse"), " ", name)

    def _render_threads(self) -> None:
        threads = self.query_one("#threads", OptionList)
        ordered = self.book.ordered()
        labels = [(t.key, self._label(t)) for t in ordered]
        plain = [(key, label.markup) for key, label in labels]
        if plain != self._thread_labels:  # most calls only move the cursor
            self._thread_labels = plain
            threads.set_options(Option(label, id=key) for key, label in labels)
        keys = [t.key for t in ordered]
        if self.current in keys:
            threads.highlighted = keys.index(self.current)
        elif keys and threads.highlighted is None:
            threads.highlighted = 0  # Enter opens the most recent thread
        total = self.book.total_unread()
        if total != self._unread:
            self._unread = total
            self.post_message(self.UnreadChanged(total))

    def _render_conversation(self, follow: bool = False, cursor: str | None = None,
                             top: bool = False) -> None:
        """Show the loaded pages; the cursor stays on its message (or goes to
        ``cursor``, or with ``follow`` to the newest when it was there)."""
        self._render_typing()
        conv = self.query_one("#conversation", ConversationList)
        thread = self.book.threads.get(self.current or "")
        old = conv.highlighted_option
        at_end = conv.highlighted is None or conv.highlighted >= conv.option_count - 1
        keep = cursor or (old.id if old is not None else None)
        if thread is None or not thread.messages:
            conv.set_options([Option(EMPTY, id="-empty", disabled=True)])
            return
        ordered = thread.ordered()
        conv.set_options(self._options(ordered, thread))
        ids = [m.id for m in ordered]
        if cursor is None and (follow and at_end or keep not in ids):
            keep = ids[-1]
        conv.highlighted = conv.get_option_index(keep if keep in ids else ids[-1])
        conv.scroll_to_highlight(top=top)
        # again after the next layout: a list under a modal (a search) or not yet sized
        # scrolls by stale geometry
        self.call_after_refresh(conv.scroll_to_highlight, top)

    def _render_typing(self) -> None:
        peer = self.typing.get(self.current or "")
        who = (self.names.get(self.current or "") or (self.current or "").split("@")[0]
               if peer else "")
        line = self.query_one("#chat-typing", Static)
        line.update(f"{who} is typing…" if peer else "")
        line.display = bool(peer)  # takes no room while nobody types

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
        shown.display = bool(hint)  # takes no room for a short text
        peer = self.query_one("#chat-to", Input).value.strip()
        now = time.monotonic()
        if peer and event.value and now - self._typed_at.get(peer, -9.0) >= 1.0:
            self._typed_at[peer] = now
            self.post_message(self.Typed(peer))

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


    def _options(self, ordered: list[Message], thread: Thread) -> list[Option]:
        """The messages, each day's first one after a line naming the day."""
        today = day_of(self.clock())
        options = []
        for day, m in with_days(ordered):
            if day is not None:
                options.append(Option(DayLine(day_label(day, today)),
                                      id=f"{DAY_ID}{day.isoformat()}", disabled=True))
            options.append(Option(self._prompt(m, thread), id=m.id))
        return options

    def _prompt(self, m: Message, thread: Thread) -> RenderableType:
        """A message's option: its line, its file's progress row, its image preview."""
        line = message_line(m, "me" if m.direction == "out" else thread.key.split("@")[0])
        transfer = self.transfers.get(m.id)
        if transfer is not None:
            line.text.append(f"\n{transfer_row(transfer)}", style="dim")
        elif m.direction == "in" and m.reason.startswith("file: "):  # e.g. the link expired
            line.text.append(f"\n📎 {m.reason}", style="dim")
        preview = self.previews.get(m.id)
        return line if preview is None else Group(line, Padding(preview, (0, 0, 0, 7)))


def _plain(prompt: object) -> str:
    if isinstance(prompt, Group):
        return "\n".join(_plain(r) for r in prompt.renderables if not isinstance(r, Padding))
    plain = getattr(prompt, "plain", None)
    return plain if isinstance(plain, str) else str(prompt)
