"""The message list of the Chat pane: one option per message, oldest at the top, a cursor
over them. It says what the user did (``Moved``, ``Scrolled``, ``Wants``); the pane
decides what that means (the next page, a copy, a resend, a search)."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message
from textual.widgets import OptionList

from tuiphone.ui.actions import bindings_for


class ConversationList(OptionList):
    BINDINGS = bindings_for("conversation")

    class Moved(Message):
        """The user moved the cursor (only the user: the list's own highlight messages
        arrive late, after a re-render, for a cursor that has moved on)."""

    class Scrolled(Message):
        """The user scrolled with the mouse wheel."""

    @dataclass
    class Wants(Message):
        action: str  # "copy", "resend" or "search"

    def action_cursor_up(self) -> None:
        super().action_cursor_up()
        self.post_message(self.Moved())

    def action_cursor_down(self) -> None:
        super().action_cursor_down()
        self.post_message(self.Moved())

    def action_first(self) -> None:
        super().action_first()
        self.post_message(self.Moved())

    def action_last(self) -> None:
        super().action_last()
        self.post_message(self.Moved())

    def action_page_up(self) -> None:
        super().action_page_up()  # type: ignore[no-untyped-call]
        self.post_message(self.Moved())

    def action_page_down(self) -> None:
        super().action_page_down()  # type: ignore[no-untyped-call]
        self.post_message(self.Moved())

    def on_mouse_scroll_up(self) -> None:
        self.call_after_refresh(self.post_message, self.Scrolled())

    def on_mouse_scroll_down(self) -> None:
        self.call_after_refresh(self.post_message, self.Scrolled())

    def action_search(self) -> None:
        self.post_message(self.Wants("search"))

    def action_copy(self) -> None:
        self.post_message(self.Wants("copy"))

    def action_resend(self) -> None:
        self.post_message(self.Wants("resend"))
