"""Contacts pane: search as you type, a detail view, Enter dials the first address.

The pane only shows what the screen gives it (``show_results``, ``set_on_net``); it asks
for searches with ``SearchRequested``. Results are the engine's plain contact summaries
(id, name, org, numbers, sips, emails, book).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from tuiphone.ui.actions import bindings_for
from tuiphone.ui.messages import AddToQuickDial, ChatRequested, DialRequested

NO_BOOKS = "No address books configured. Add [contacts] vdirs or carddav to config.toml."
ON_NET = "✓"

Summary = Mapping[str, Any]


def addresses(contact: Summary) -> list[str]:
    """Dialable targets of a contact: SIP URIs first, then numbers."""
    return [*map(str, contact.get("sips") or ()), *map(str, contact.get("numbers") or ())]


def detail_lines(contact: Summary, on_net: bool | None) -> list[str]:
    """Every field of the summary, labelled; empty fields left out."""
    lines = [str(contact.get("name") or "(no name)")]
    if contact.get("org"):
        lines.append(str(contact["org"]))
    lines.append("")
    for key, title in (("numbers", "Phone"), ("sips", "SIP"), ("emails", "Email")):
        lines += [f"{title:<6} {value}" for value in contact.get(key) or ()]
    if contact.get("book"):
        lines.append(f"{'Book':<6} {contact['book']}")
    if on_net is not None:
        lines.append(f"{ON_NET} on our SIP provider" if on_net else "not on our SIP provider")
    return lines


class ContactsPane(Vertical):
    BINDINGS = bindings_for("contacts")

    @dataclass
    class SearchRequested(Message):
        text: str

    def __init__(self, has_books: bool, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.has_books = has_books
        self.results: list[Summary] = []
        self.on_net: dict[str, bool] = {}
        self.query_text = ""

    def compose(self) -> ComposeResult:
        yield Input(placeholder="search contacts", id="contact-search",
                    disabled=not self.has_books)
        with Horizontal(id="contacts-body"):
            yield OptionList(id="contact-results")
            yield Static("" if self.has_books else NO_BOOKS, id="contact-detail", markup=False)

    @on(Input.Changed, "#contact-search")
    def _search(self, event: Input.Changed) -> None:
        if not self.has_books:
            return
        self.query_text = event.value.strip()
        if self.query_text:
            self.post_message(self.SearchRequested(self.query_text))
        else:
            self.show_results("", [])

    def show_results(self, text: str, results: Sequence[Summary]) -> None:
        """Results of the search for ``text``; stale ones (the user typed on) are dropped."""
        if text != self.query_text:
            return
        self.results = list(results)
        self._render_results()
        self._detail(0 if self.results else None)

    def set_on_net(self, verdicts: Mapping[str, bool]) -> None:
        self.on_net.update(verdicts)
        if self.results:
            options = self.query_one("#contact-results", OptionList)
            keep = options.highlighted
            self._render_results()
            if keep is not None:
                options.highlighted = keep
            self._detail(keep or 0)

    def _render_results(self) -> None:
        options = self.query_one("#contact-results", OptionList)
        options.clear_options()
        options.add_options(Option(self._title(c)) for c in self.results)

    def _title(self, contact: Summary) -> str:
        mark = f"{ON_NET} " if self.on_net.get(str(contact.get("id"))) else "  "
        return f"{mark}{contact.get('name') or '(no name)'}"

    @on(Input.Submitted, "#contact-search")
    def _dial_first(self) -> None:
        self._dial(0)

    @on(OptionList.OptionHighlighted, "#contact-results")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self._detail(event.option_index)

    @on(OptionList.OptionSelected, "#contact-results")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self._dial(event.option_index)

    def _current(self) -> Summary | None:
        index = self.query_one("#contact-results", OptionList).highlighted or 0
        return self.results[index] if index < len(self.results) else None

    def action_call(self) -> None:
        contact = self._current()
        if contact is not None and addresses(contact):
            self.post_message(DialRequested(addresses(contact)[0]))

    def action_message(self) -> None:
        contact = self._current()
        if contact is not None and addresses(contact):
            self.post_message(ChatRequested(addresses(contact)[0]))

    def action_add_quickdial(self) -> None:
        contact = self._current()
        if contact is None or not addresses(contact):
            self.notify("No contact with an address selected", severity="warning")
            return
        label = str(contact.get("name") or addresses(contact)[0])
        self.post_message(AddToQuickDial(label, addresses(contact)[0]))

    def _dial(self, index: int) -> None:
        if index < len(self.results) and addresses(self.results[index]):
            self.post_message(DialRequested(addresses(self.results[index])[0]))

    def _detail(self, index: int | None) -> None:
        detail = self.query_one("#contact-detail", Static)
        if index is None or index >= len(self.results):
            detail.update("No match." if self.has_books else NO_BOOKS)
            return
        contact = self.results[index]
        verdict = self.on_net.get(str(contact.get("id")))
        detail.update("\n".join([*detail_lines(contact, verdict), "", "Enter dials"]))
