"""What the Contacts pane shows of a contact, as plain lines or a Rich renderable.

Input is a summary from search or the full details of ``PhoneApi.contact``; a
summary shows what it has. Nothing here touches widgets.
"""

from __future__ import annotations

from dataclasses import fields

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from tuiphone.model.contact import ContactDetails, ContactSummary

ON_NET = "✓"


def _details(contact: ContactSummary) -> ContactDetails:
    """The details, or a summary as details with nothing more known."""
    if isinstance(contact, ContactDetails):
        return contact
    return ContactDetails(**{f.name: getattr(contact, f.name) for f in fields(ContactSummary)})


def labelled_addresses(contact: ContactSummary) -> list[tuple[str, str]]:
    """(target, label) for a chooser: "SIP  sip:anna@pbx", "cell  +1 212 555 0100"."""
    out = [(s, f"SIP   {s}") for s in contact.sips]
    return out + [(number, f"{kind:<5} {number}") for kind, number in _phones(contact)]


def _phones(contact: ContactSummary) -> list[tuple[str, str]]:
    """(label, number): the number's kind (cell, work...) where the card says."""
    phones = _details(contact).phones
    if phones:
        return [(p.kind or "Phone", p.number) for p in phones]
    return [("Phone", n) for n in contact.numbers]


def detail_rows(contact: ContactSummary) -> list[tuple[str, str]]:
    """(label, value) rows for every field we have; a label only on a group's first row."""
    full = _details(contact)
    rows: list[tuple[str, str]] = _phones(full)
    rows += [("SIP", s) for s in full.sips]
    rows += [("Email", e) for e in full.emails]
    for adr in full.addresses:
        rows += [("Address", line) for line in adr.lines]
    for value, title in ((full.birthday, "Born"), (full.gender, "Gender")):
        if value:
            rows.append((title, value))
    if full.categories:
        rows.append(("Tags", ", ".join(full.categories)))
    if full.book:
        read_only = full.writable is False
        rows.append(("Book", f"{full.book}{' (read only)' if read_only else ''}"))
    return [(title if i == 0 or rows[i - 1][0] != title else "", value)
            for i, (title, value) in enumerate(rows)]


def _heading(contact: ContactSummary) -> list[str]:
    full = _details(contact)
    return [full.name or "(no name)", *filter(None, (full.nickname, full.title, full.org))]


def _verdict(on_net: bool | None) -> str:
    return f"{ON_NET} on our SIP provider" if on_net else "not on our SIP provider"


def detail_lines(contact: ContactSummary, on_net: bool | None) -> list[str]:
    """The detail card as plain lines (what ``detail_renderable`` draws)."""
    lines = [*_heading(contact), ""]
    lines += [f"{title:<8}{value}" for title, value in detail_rows(contact)]
    if note := _details(contact).note:
        lines += ["", note]
    if on_net is not None:
        lines += ["", _verdict(on_net)]
    return lines


def detail_renderable(
    contact: ContactSummary, on_net: bool | None, hint: str
) -> RenderableType:
    """Name and title in bold, then a two-column grid: values wrap within their column."""
    head = _heading(contact)
    parts: list[RenderableType] = [Text(head[0], style="bold")]
    parts += [Text(line) for line in head[1:]]
    grid = Table.grid(padding=(0, 1))
    grid.add_column(style="dim", no_wrap=True)
    grid.add_column(overflow="fold")
    for title, value in detail_rows(contact):
        grid.add_row(title, value)
    parts += [Text(""), grid]
    if note := _details(contact).note:
        parts += [Text(""), Text(note, style="italic")]
    if on_net is not None:
        parts += [Text(""), Text(_verdict(on_net))]
    parts += [Text(""), Text(hint, style="dim")]
    return Group(*parts)
