"""What the Chat pane asks for: pages of a thread, marking it read, sending a failed
message again, searching, sending a file. Every engine request runs in a worker of the
host screen and answers the pane (``show_page``, ``page_failed``, ``resent``,
``jump_to``, ``add``); a failure is a notification, never a crash.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from functools import partial

from textual.widget import Widget

from tuiphone.model.errors import TuiphoneError
from tuiphone.model.message import Message
from tuiphone.ui.chat_model import PAGE
from tuiphone.ui.phone_link import PhoneLink, in_worker
from tuiphone.ui.widgets.chat import ChatPane


class ChatActions:
    """``chat`` gives the pane as it is now (a resize rebuilds it)."""

    def __init__(self, link: PhoneLink, host: Widget, chat: Callable[[], ChatPane]) -> None:
        self.link = link
        self.host = host
        self.chat = chat

    def page(self, want: ChatPane.PageWanted) -> None:
        in_worker(self.host, partial(self._page, want), group="chat-page")

    async def _page(self, want: ChatPane.PageWanted) -> None:
        phone = self.link.phone
        if phone is None:
            self.chat().page_failed()
            return
        try:
            if want.around is not None:
                page = await phone.messages(limit=PAGE, around=want.around)
            else:
                page = await phone.messages(want.uri, PAGE, before=want.before,
                                            after=want.after)
        except TuiphoneError as err:
            self.host.notify(f"Chat: {err}", severity="error")
            self.chat().page_failed()
            return
        self.chat().show_page(want, page)

    def mark_read(self, uri: str) -> None:
        in_worker(self.host, partial(self._mark_read, uri), group="chat-read", exclusive=False)

    async def _mark_read(self, uri: str) -> None:
        phone = self.link.phone
        if phone is None:
            return
        try:
            await phone.mark_read(uri)
        except Exception as err:  # noqa: BLE001 - an older engine or a full disk: only a count
            self.host.log.warning(f"mark read: {err}")

    def resend(self, message_id: str) -> None:
        in_worker(self.host, partial(self._resend, message_id), group="chat-resend",
                  exclusive=False)

    async def _resend(self, message_id: str) -> None:
        phone = self.link.phone
        if phone is None:
            self.host.notify("The engine is still starting", severity="warning")
            return
        try:
            queued = await phone.resend_message(message_id)
        except TuiphoneError as err:
            self.host.notify(f"Resend: {err}", severity="error")
            return
        self.chat().resent(queued)

    def send_file(self, peer: str, path: str) -> None:
        """Send the file at ``path`` (``~`` expanded) to ``peer``, encrypted."""
        full = os.path.abspath(os.path.expanduser(path))
        in_worker(self.host, partial(self._send_file, peer, full), group="chat-file",
                  exclusive=False)

    async def _send_file(self, peer: str, path: str) -> None:
        phone = self.link.phone
        if phone is None:
            self.host.notify("The engine is still starting", severity="warning")
            return
        try:
            sent = await phone.send_file(peer, path)
        except TuiphoneError as err:
            self.host.notify(f"Send {path} to {peer}: {err}", severity="error")
            return
        self.chat().add(sent)

    def search(self, thread_uri: str | None) -> None:
        """Open the search; Enter on a hit opens its thread at that message."""
        if self.link.phone is None:
            self.host.notify("The engine is still starting", severity="warning")
            return

        from tuiphone.ui.screens.chat_search import LIMIT, ChatSearchScreen  # when opened

        async def search(text: str, uri: str | None) -> list[Message]:
            phone = self.link.phone
            return [] if phone is None else await phone.search_messages(text, uri, LIMIT)

        def picked(message: Message | None) -> None:
            if message is not None:
                self.chat().jump_to(message)

        self.host.app.push_screen(ChatSearchScreen(search, thread_uri, self.chat().names),
                                  picked)
