"""Contacts pane: search as you type, a detail view, Enter dials the first address."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from tuiphone.ui.actions import bindings_for
from tuiphone.ui.contacts_source import ContactLike, ContactSource, addresses
from tuiphone.ui.messages import ChatRequested, DialRequested

NO_BOOKS = "No address books configured. Add [contacts] vdirs or carddav to config.toml."


class ContactsPane(Vertical):
    BINDINGS = bindings_for("contacts")

    def __init__(self, source: ContactSource | None, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.source = source
        self.results: list[ContactLike] = []

    def compose(self) -> ComposeResult:
        yield Input(placeholder="search contacts", id="contact-search",
                    disabled=self.source is None)
        with Horizontal(id="contacts-body"):
            yield OptionList(id="contact-results")
            yield Static(NO_BOOKS if self.source is None else "", id="contact-detail")

    @on(Input.Changed, "#contact-search")
    def _search(self, event: Input.Changed) -> None:
        if self.source is None:
            return
        self.results = self.source.search(event.value.strip()) if event.value.strip() else []
        options = self.query_one("#contact-results", OptionList)
        options.clear_options()
        options.add_options(Option(c.display_name) for c in self.results)
        self._detail(0 if self.results else None)

    @on(Input.Submitted, "#contact-search")
    def _dial_first(self) -> None:
        self._dial(0)

    @on(OptionList.OptionHighlighted, "#contact-results")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self._detail(event.option_index)

    @on(OptionList.OptionSelected, "#contact-results")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self._dial(event.option_index)

    def action_message(self) -> None:
        index = self.query_one("#contact-results", OptionList).highlighted or 0
        if index < len(self.results) and addresses(self.results[index]):
            self.post_message(ChatRequested(addresses(self.results[index])[0]))

    def _dial(self, index: int) -> None:
        if index < len(self.results) and addresses(self.results[index]):
            self.post_message(DialRequested(addresses(self.results[index])[0]))

    def _detail(self, index: int | None) -> None:
        detail = self.query_one("#contact-detail", Static)
        if index is None or index >= len(self.results):
            detail.update("No match." if self.source is not None else NO_BOOKS)
            return
        contact = self.results[index]
        lines = [contact.display_name, "", *addresses(contact), "", "Enter dials"]
        detail.update("\n".join(lines))
