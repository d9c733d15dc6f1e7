"""What the Contacts pane shows of a contact, as plain lines or a Rich renderable.

Input is the engine's plain contact data (a summary from search, or the full details
of ``PhoneApi.contact``); nothing here touches widgets.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

ON_NET = "✓"

Summary = Mapping[str, Any]


def addresses(contact: Summary) -> list[str]:
    """Dialable targets of a contact: SIP URIs first, then numbers."""
    return [*map(str, contact.get("sips") or ()), *map(str, contact.get("numbers") or ())]


def labelled_addresses(contact: Summary) -> list[tuple[str, str]]:
    """(target, label) for a chooser: "SIP  sip:anna@pbx", "cell  +1 212 555 0100"."""
    out = [(str(s), f"SIP   {s}") for s in contact.get("sips") or ()]
    return out + [(number, f"{kind:<5} {number}") for kind, number in _phones(contact)]


def _phones(contact: Summary) -> list[tuple[str, str]]:
    """(label, number): the number's kind (cell, work...) where the card says."""
    phones = contact.get("phones")
    if phones:
        return [(str(p.get("kind") or "Phone"), str(p["number"])) for p in phones]
    return [("Phone", str(n)) for n in contact.get("numbers") or ()]


def detail_rows(contact: Summary) -> list[tuple[str, str]]:
    """(label, value) rows for every field we have; a label only on a group's first row."""
    rows: list[tuple[str, str]] = _phones(contact)
    rows += [("SIP", str(s)) for s in contact.get("sips") or ()]
    rows += [("Email", str(e)) for e in contact.get("emails") or ()]
    for adr in contact.get("addresses") or ():
        rows += [("Address", line) for line in adr["lines"]]
    for key, title in (("birthday", "Born"), ("gender", "Gender")):
        if contact.get(key):
            rows.append((title, str(contact[key])))
    if contact.get("categories"):
        rows.append(("Tags", ", ".join(map(str, contact["categories"]))))
    if contact.get("book"):
        read_only = contact.get("writable") is False
        rows.append(("Book", f"{contact['book']}{' (read only)' if read_only else ''}"))
    return [(title if i == 0 or rows[i - 1][0] != title else "", value)
            for i, (title, value) in enumerate(rows)]


def _heading(contact: Summary) -> list[str]:
    lines = [str(contact.get("name") or "(no name)")]
    return lines + [str(contact[k]) for k in ("nickname", "title", "org") if contact.get(k)]


def _verdict(on_net: bool | None) -> str:
    return f"{ON_NET} on our SIP provider" if on_net else "not on our SIP provider"


def detail_lines(contact: Summary, on_net: bool | None) -> list[str]:
    """The detail card as plain lines (what ``detail_renderable`` draws)."""
    lines = [*_heading(contact), ""]
    lines += [f"{title:<8}{value}" for title, value in detail_rows(contact)]
    if contact.get("note"):
        lines += ["", str(contact["note"])]
    if on_net is not None:
        lines += ["", _verdict(on_net)]
    return lines


def detail_renderable(contact: Summary, on_net: bool | None, hint: str) -> RenderableType:
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
    if contact.get("note"):
        parts += [Text(""), Text(str(contact["note"]), style="italic")]
    if on_net is not None:
        parts += [Text(""), Text(_verdict(on_net))]
    parts += [Text(""), Text(hint, style="dim")]
    return Group(*parts)
