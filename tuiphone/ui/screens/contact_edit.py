"""The contact editor: a form over the fields the engine can write back.

Dismisses with ``EditResult`` (the ``ContactFields`` that changed, plus the book for a
new contact) or None on Escape. Lists (phones, emails, SIP addresses, postal addresses)
are one per line, tags comma-separated. What the form does not show (unknown
properties, labels and types of unchanged entries) is left untouched by the engine's
line-by-line patch.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.events import DescendantFocus
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, TextArea

from tuiphone.engine.contact_fields import photo_field
from tuiphone.model.contact import ContactDetails, ContactFields, ContactPhoto

TEXT_FIELDS = (("fn", "Name"), ("nickname", "Nickname"), ("title", "Title"),
               ("org", "Organisation"), ("birthday", "Birthday"),
               ("gender", "Gender: M F O N U and/or words"))
LIST_FIELDS = (("phones", "Phone numbers, one per line"), ("emails", "Emails, one per line"),
               ("sips", "SIP addresses, one per line"),
               ("addresses", "Postal addresses, one per line: "
                             "home: street; city; region; postal code; country"))
_PLACEHOLDERS = {"birthday": "YYYY-MM-DD or --MMDD", "gender": "e.g. F, or O non-binary"}


_FIELD_NAMES = {
    "edit-book": "Address book", "edit-fn": "Name", "edit-nickname": "Nickname",
    "edit-title": "Title", "edit-org": "Organisation", "edit-birthday": "Birthday",
    "edit-gender": "Gender", "edit-phones": "Phone numbers", "edit-emails": "Emails",
    "edit-sips": "SIP addresses", "edit-addresses": "Postal addresses",
    "edit-categories": "Tags", "edit-note": "Note", "edit-photo": "Photo",
}


def read_photo(text: str) -> ContactPhoto | None:
    """The photo field for what was typed: None (unchanged), no photo (``-``: remove),
    or the image read from the file named. Raises OSError/ValueError with a message."""
    if not text:
        return None
    if text == "-":
        return ContactPhoto()
    path = Path(text).expanduser()
    photo = photo_field(path.read_bytes(), path.name)
    if not photo.mime:
        raise ValueError(f"{path}: not a JPEG, PNG, GIF or WebP image")
    return photo


@dataclass(frozen=True, slots=True)
class EditResult:
    fields: ContactFields
    book: str | None = None


EMPTY = ContactFields(fn="", nickname="", title="", org="", note="", birthday="", phones=(),
                      emails=(), sips=(), categories=(), gender="", addresses=())


def _lines(text: str) -> tuple[str, ...]:
    return tuple(line.strip() for line in text.splitlines() if line.strip())


class ContactEditScreen(ModalScreen[EditResult | None]):
    BINDINGS = [("escape", "cancel", "Cancel"), ("ctrl+s", "save", "Save")]
    AUTO_FOCUS = "#edit-fn"  # focused as the form appears: keys typed at once land there

    def __init__(self, contact: ContactDetails | None, books: Sequence[str] = ()) -> None:
        """``contact`` None: a new contact, saved to one of ``books`` (writable ids)."""
        super().__init__()
        self.contact = contact
        self.books = list(books)
        self.before = ContactFields.of(contact) if contact is not None else EMPTY

    def compose(self) -> ComposeResult:
        title = (f"Edit {self.before.fn or 'contact'}" if self.contact is not None
                 else "New contact")
        with Vertical(id="contact-edit-box"):
            yield Label(title, id="contact-edit-title")
            with VerticalScroll(id="contact-edit-fields"):
                if self.contact is None and len(self.books) > 1:
                    yield Label("Address book")
                    yield Select([(b, b) for b in self.books], value=self.books[0],
                                 allow_blank=False, id="edit-book", compact=True)
                for key, label in TEXT_FIELDS:
                    yield Label(label)
                    yield Input(getattr(self.before, key) or "", id=f"edit-{key}",
                                compact=True, placeholder=_PLACEHOLDERS.get(key, ""))
                for key, label in LIST_FIELDS:
                    yield Label(label)
                    yield TextArea("\n".join(getattr(self.before, key) or ()), id=f"edit-{key}",
                                   classes="edit-list", compact=True)
                yield Label("Tags, comma-separated")
                yield Input(", ".join(self.before.categories or ()), id="edit-categories",
                            compact=True)
                yield Label("Note")
                yield TextArea(self.before.note or "", id="edit-note", classes="edit-list",
                               compact=True)
                has = self.contact is not None and self.contact.has_photo
                yield Label("Photo: an image file" + (" (now: has one; - removes it)"
                                                      if has else ""))
                yield Input("", id="edit-photo", compact=True,
                            placeholder="~/pictures/anna.jpg  (empty: leave as it is)")
            yield Label("", id="contact-edit-where")
            with Horizontal(id="contact-edit-buttons"):
                yield Button("Save (ctrl+s)", id="edit-save", variant="primary", compact=True)
                yield Button("Cancel (esc)", id="edit-cancel", compact=True)

    def on_mount(self) -> None:
        fields = self.query_one("#contact-edit-fields")
        fields.can_focus = False  # Tab goes field to field
        # focusing the name scrolls it into view, cutting off its label: show the top
        self.call_after_refresh(fields.scroll_home, animate=False)

    def on_descendant_focus(self, event: DescendantFocus) -> None:
        """Say in words which field has the keyboard (colour alone is lost on some
        terminals and themes)."""
        field = _FIELD_NAMES.get(event.widget.id or "", "")
        self.query_one("#contact-edit-where", Label).update(
            f"Editing: {field} · Tab next field · ctrl+s save · esc cancel" if field else
            "Tab next field · ctrl+s save · esc cancel")

    def values(self, photo: ContactPhoto | None = None) -> ContactFields:
        def text(key: str) -> str:
            return self.query_one(f"#edit-{key}", Input).value.strip()

        def lines(key: str) -> tuple[str, ...]:
            return _lines(self.query_one(f"#edit-{key}", TextArea).text)

        tags = self.query_one("#edit-categories", Input).value
        return ContactFields(
            fn=text("fn"), nickname=text("nickname"), title=text("title"), org=text("org"),
            birthday=text("birthday"), gender=text("gender"), phones=lines("phones"),
            emails=lines("emails"), sips=lines("sips"), addresses=lines("addresses"),
            categories=tuple(t.strip() for t in tags.split(",") if t.strip()),
            note=self.query_one("#edit-note", TextArea).text.strip(), photo=photo)

    @on(Button.Pressed, "#edit-save")
    def action_save(self) -> None:
        self.run_worker(self._save(), group="contact-save", exclusive=True)

    async def _save(self) -> None:
        if not self.values().fn:
            self.notify("A contact needs a name", severity="warning")
            self.query_one("#edit-fn", Input).focus()
            return
        text = self.query_one("#edit-photo", Input).value.strip()
        try:
            photo = await asyncio.to_thread(read_photo, text)  # may be a slow disk
        except (OSError, ValueError) as err:
            self.notify(f"Photo: {getattr(err, 'strerror', None) or err}", severity="error")
            self.query_one("#edit-photo", Input).focus()
            return
        values = self.values(photo)
        if self.contact is None:
            book = self.books[0] if self.books else None
            if self.query("#edit-book"):
                book = str(self.query_one("#edit-book", Select).value)
            self.dismiss(EditResult(values.without_blanks(), book))
            return
        self.dismiss(EditResult(values.changed_from(self.before)))

    @on(Button.Pressed, "#edit-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
