"""The contact editor: a form over the fields the engine can write back.

Dismisses with ``EditResult`` (only the fields that changed, plus the book for a new
contact) or None on Escape. Lists (phones, emails, SIP addresses) are one per line,
tags comma-separated. What the form does not show (photo, addresses, unknown
properties) is left untouched by the engine's line-by-line patch.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.events import DescendantFocus
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, TextArea

from tuiphone.engine.contact_data import photo_field

TEXT_FIELDS = (("fn", "Name"), ("org", "Organisation"), ("birthday", "Birthday"))
LIST_FIELDS = (("phones", "Phone numbers, one per line"), ("emails", "Emails, one per line"),
               ("sips", "SIP addresses, one per line"))


_FIELD_NAMES = {
    "edit-book": "Address book", "edit-fn": "Name", "edit-org": "Organisation",
    "edit-birthday": "Birthday", "edit-phones": "Phone numbers", "edit-emails": "Emails",
    "edit-sips": "SIP addresses", "edit-categories": "Tags", "edit-note": "Note",
    "edit-photo": "Photo",
}


def read_photo(text: str) -> dict[str, str] | str | None:
    """The photo field for what was typed: None (unchanged), "" (``-``: remove), or the
    image read from the file named. Raises OSError/ValueError with a message."""
    if not text:
        return None
    if text == "-":
        return ""
    path = Path(text).expanduser()
    field = photo_field(path.read_bytes(), path.name)
    if not field["mime"]:
        raise ValueError(f"{path}: not a JPEG, PNG, GIF or WebP image")
    return field


@dataclass(frozen=True, slots=True)
class EditResult:
    fields: dict[str, Any]
    book: str | None = None


def form_values(contact: Mapping[str, Any] | None) -> dict[str, Any]:
    """The editable fields of a contact's details as the form holds them."""
    contact = contact or {}
    phones = [p["number"] for p in contact.get("phones") or ()] or list(
        contact.get("numbers") or ())
    return {
        "fn": str(contact.get("fn") or contact.get("name") or ""),
        "org": str(contact.get("org") or ""),
        "birthday": str(contact.get("birthday") or ""),
        "phones": [str(p) for p in phones],
        "emails": [str(e) for e in contact.get("emails") or ()],
        "sips": [str(s) for s in contact.get("sips") or ()],
        "categories": [str(c) for c in contact.get("categories") or ()],
        "note": str(contact.get("note") or ""),
    }


def changed_fields(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in after.items() if before.get(k) != v}


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


class ContactEditScreen(ModalScreen[EditResult | None]):
    BINDINGS = [("escape", "cancel", "Cancel"), ("ctrl+s", "save", "Save")]
    AUTO_FOCUS = "#edit-fn"  # focused as the form appears: keys typed at once land there

    def __init__(self, contact: Mapping[str, Any] | None, books: Sequence[str] = ()) -> None:
        """``contact`` None: a new contact, saved to one of ``books`` (writable ids)."""
        super().__init__()
        self.contact = contact
        self.books = list(books)
        self.before = form_values(contact)

    def compose(self) -> ComposeResult:
        title = (f"Edit {self.before['fn'] or 'contact'}" if self.contact is not None
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
                    yield Input(self.before[key], id=f"edit-{key}", compact=True,
                                placeholder="YYYY-MM-DD or --MMDD" if key == "birthday" else "")
                for key, label in LIST_FIELDS:
                    yield Label(label)
                    yield TextArea("\n".join(self.before[key]), id=f"edit-{key}",
                                   classes="edit-list", compact=True)
                yield Label("Tags, comma-separated")
                yield Input(", ".join(self.before["categories"]), id="edit-categories",
                            compact=True)
                yield Label("Note")
                yield TextArea(self.before["note"], id="edit-note", classes="edit-list",
                               compact=True)
                has = self.contact is not None and bool(self.contact.get("has_photo"))
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

    def values(self) -> dict[str, Any]:
        out: dict[str, Any] = {k: self.query_one(f"#edit-{k}", Input).value.strip()
                               for k, _ in TEXT_FIELDS}
        for key, _ in LIST_FIELDS:
            out[key] = _lines(self.query_one(f"#edit-{key}", TextArea).text)
        tags = self.query_one("#edit-categories", Input).value
        out["categories"] = [t.strip() for t in tags.split(",") if t.strip()]
        out["note"] = self.query_one("#edit-note", TextArea).text.strip()
        return out

    @on(Button.Pressed, "#edit-save")
    def action_save(self) -> None:
        self.run_worker(self._save(), group="contact-save", exclusive=True)

    async def _save(self) -> None:
        values = self.values()
        if not values["fn"]:
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
        if photo is not None:
            values["photo"] = photo
        if self.contact is None:
            fields = {k: v for k, v in values.items() if v}
            book = self.books[0] if self.books else None
            if self.query("#edit-book"):
                book = str(self.query_one("#edit-book", Select).value)
            self.dismiss(EditResult(fields, book))
            return
        self.dismiss(EditResult(changed_fields(self.before, values)))

    @on(Button.Pressed, "#edit-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
