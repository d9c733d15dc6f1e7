"""Contacts pane: search as you type, a detail card with the avatar, call/message/edit.

The pane only shows what the screen gives it (``show_results``, ``show_detail``,
the bound ``on_net`` verdicts) and asks with messages (``SearchRequested``, ``DetailRequested``,
``EditRequested``, ``DeleteRequested``). Results are the engine's contact summaries;
the card shows full details (``tuiphone.model.contact``) once they arrive.

An empty search lists everyone (alphabetically, up to the screen's limit). In the
result list, ``e`` edits, ``n`` adds and ``delete`` removes a contact.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.events import Resize
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from tuiphone.model.contact import ContactSummary
from tuiphone.ui.actions import bindings_for
from tuiphone.ui.contact_card import (
    ON_NET,
    detail_lines,
    detail_renderable,
    labelled_addresses,
)
from tuiphone.ui.messages import AddToQuickDial, ChatRequested, DialRequested
from tuiphone.ui.screens.prompt import ChooseScreen
from tuiphone.ui.widgets.avatar_view import AvatarView, Tile

NO_BOOKS = "No address books configured. Add [contacts] vdirs or carddav to config.toml."
AVATAR_CELLS = (12, 6)
NARROW_BELOW = 60
HINT = "Enter dials · e edit · n new · del delete"



class ContactList(OptionList):
    """The result list; letter keys act on the highlighted contact."""

    BINDINGS = bindings_for("contact-list")

    def action_edit(self) -> None:
        self._pane().edit_current()

    def action_new(self) -> None:
        self._pane().post_message(ContactsPane.EditRequested(None))

    def action_delete(self) -> None:
        self._pane().delete_current()

    def _pane(self) -> ContactsPane:
        return self.query_ancestor(ContactsPane)


class ContactsPane(Vertical):
    BINDINGS = bindings_for("contacts")

    on_net: reactive[dict[str, bool]] = reactive(dict)  # Smart Contacts: id -> on our provider

    @dataclass
    class SearchRequested(Message):
        text: str

    @dataclass
    class DetailRequested(Message):
        """Fetch every field and the avatar of this contact for ``show_detail``."""

        contact: ContactSummary

    @dataclass
    class EditRequested(Message):
        """Open the editor: ``contact_id`` None for a new contact."""

        contact_id: str | None

    class SyncRequested(Message):
        """Sync the CardDAV books now."""

    @dataclass
    class DeleteRequested(Message):
        contact_id: str
        name: str

    def __init__(self, has_books: bool, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.has_books = has_books
        self.results: list[ContactSummary] = []
        self.query_text = ""
        self.shown: ContactSummary | None = None  # what the detail card shows (maybe full details)
        self.detail_text = "" if has_books else NO_BOOKS  # the card as plain text

    def compose(self) -> ComposeResult:
        yield Input(placeholder="search contacts", id="contact-search",
                    disabled=not self.has_books)
        with Horizontal(id="contacts-body"):
            yield ContactList(id="contact-results")
            with Horizontal(id="contact-card"):
                yield AvatarView(id="contact-avatar")
                with VerticalScroll(id="contact-text"):
                    yield Static("" if self.has_books else NO_BOOKS, id="contact-detail",
                                 markup=False)

    def on_mount(self) -> None:
        self.query_one(AvatarView).show(None)

    def on_resize(self, event: Resize) -> None:
        # too narrow for list | card side by side (a grid cell): list above the card
        self.set_class(event.size.width < NARROW_BELOW, "-narrow")

    @on(Input.Changed, "#contact-search")
    def _search(self, event: Input.Changed) -> None:
        if self.has_books:
            self.query_text = event.value.strip()
            self.post_message(self.SearchRequested(self.query_text))

    def refresh_search(self) -> None:
        """Ask again for the current text (the books changed)."""
        if self.has_books:
            self.post_message(self.SearchRequested(self.query_text))

    def show_results(self, text: str, results: Sequence[ContactSummary]) -> None:
        """Results of the search for ``text``; stale ones (the user typed on) are dropped.
        The highlighted contact stays highlighted when it is still there."""
        if text != self.query_text:
            return
        keep = self.shown.id if self.shown else None
        self.results = list(results)
        self._render_results()
        ids = [c.id for c in self.results]
        index = ids.index(keep) if keep in ids else 0
        if self.results:
            self.query_one(ContactList).highlighted = index
        self._detail(index if self.results else None, force=True)

    def watch_on_net(self) -> None:
        """Smart Contacts verdicts changed: mark the list and the card again."""
        if self.is_mounted and self.results:
            options = self.query_one(ContactList)
            keep = options.highlighted
            self._render_results()
            if keep is not None:
                options.highlighted = keep
            if self.shown is not None:
                self._show_text(self.shown)

    def _render_results(self) -> None:
        options = self.query_one(ContactList)
        options.clear_options()
        options.add_options(
            Option(Text(self._title(c), no_wrap=True, overflow="ellipsis")) for c in self.results
        )

    def _title(self, contact: ContactSummary) -> str:
        mark = f"{ON_NET} " if self.on_net.get(contact.id) else "  "
        return f"{mark}{contact.name or '(no name)'}"

    @on(Input.Submitted, "#contact-search")
    def _dial_first(self) -> None:
        self._dial(0)

    @on(OptionList.OptionHighlighted, "#contact-results")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self._detail(event.option_index)

    @on(OptionList.OptionSelected, "#contact-results")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self._dial(event.option_index)

    def _current(self) -> ContactSummary | None:
        index = self.query_one(ContactList).highlighted or 0
        return self.results[index] if index < len(self.results) else None

    def action_call(self) -> None:
        contact = self._current()
        if contact is not None:
            self._choose(contact, "Call", lambda target: DialRequested(target))

    def action_message(self) -> None:
        contact = self._current()
        if contact is not None:
            self._choose(contact, "Message", lambda target: ChatRequested(target))

    def _choose(self, contact: ContactSummary, verb: str, make: Callable[[str], Message]) -> None:
        """With one address, use it; with several, ask which (digits pick, Esc cancels)."""
        shown = self.shown if self.shown and self.shown.id == contact.id else None
        choices = labelled_addresses(shown or contact)
        if not choices:
            self.notify(f"{contact.name or 'This contact'} has no number or SIP address",
                        severity="warning")
            return
        if len(choices) == 1:
            self.post_message(make(choices[0][0]))
            return

        def chosen(target: str | None) -> None:
            if target:
                self.post_message(make(target))

        name = contact.name or "contact"
        self.app.push_screen(ChooseScreen(f"{verb} {name} at:", choices), chosen)

    def action_add_quickdial(self) -> None:
        contact = self._current()
        targets = contact.dial_targets() if contact is not None else ()
        if contact is None or not targets:
            self.notify("No contact with an address selected", severity="warning")
            return
        self.post_message(AddToQuickDial(contact.name or targets[0], targets[0]))

    def action_sync(self) -> None:
        self.post_message(self.SyncRequested())

    def edit_current(self) -> None:
        contact = self._current()
        if contact is None:
            self.notify("No contact selected (n adds one)", severity="warning")
        else:
            self.post_message(self.EditRequested(contact.id))

    def delete_current(self) -> None:
        contact = self._current()
        if contact is not None:
            self.post_message(self.DeleteRequested(contact.id, contact.name))

    def _dial(self, index: int) -> None:
        if index < len(self.results):
            self._choose(self.results[index], "Call", lambda target: DialRequested(target))

    def _detail(self, index: int | None, force: bool = False) -> None:
        """Show the contact at ``index``; ask for its full details when it changed
        (or with ``force``: the books changed under it)."""
        if index is None or index >= len(self.results):
            self.shown = None
            self.query_one(AvatarView).show(None)
            text = ("No match." if self.query_text else "No contacts yet: n adds one."
                    ) if self.has_books else NO_BOOKS
            self.detail_text = text
            self.query_one("#contact-detail", Static).update(text)
            return
        contact = self.results[index]
        same = self.shown is not None and self.shown.id == contact.id
        if not same:
            self.shown = contact
            self._show_text(contact)
        if not same or force:
            self.post_message(self.DetailRequested(contact))

    def show_detail(self, contact: ContactSummary, avatar: Tile | None) -> None:
        """Full details (and the avatar tile) of the contact on show; late answers for a
        contact no longer highlighted are dropped."""
        if self.shown is None or self.shown.id != contact.id:
            return
        self.shown = contact
        self._show_text(contact)
        self.query_one(AvatarView).show(avatar)

    def _show_text(self, contact: ContactSummary) -> None:
        verdict = self.on_net.get(contact.id)
        self.detail_text = "\n".join(detail_lines(contact, verdict))
        self.query_one("#contact-detail", Static).update(
            detail_renderable(contact, verdict, HINT))
