"""Help for the focused pane: its keys and the global ones, as remapped."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from tuiphone.ui.actions import key_display, keys_of, specs_for

_TITLES = {"app": "Everywhere", "screen": "Calls and panes",
           "contact-list": "In the contact list", "conversation": "In the message list"}


def help_text(scopes: Sequence[str], keymap: Mapping[str, str]) -> str:
    lines: list[str] = []
    for scope in scopes:
        specs = specs_for([scope])
        if not specs:
            continue
        lines.append(_TITLES.get(scope, f"In {scope}"))
        lines.extend(f"  {key_display(keys_of(s, keymap)):<12} {s.description}  ({s.id})"
                     for s in specs)
        lines.append("")
    lines.append("Enter in the dialpad dials; Tab moves between fields; ctrl+p opens the palette.")
    return "\n".join(lines)


class HelpScreen(ModalScreen[None]):
    BINDINGS = [("escape,f1,q", "dismiss", "Close")]

    def __init__(self, scopes: Sequence[str], keymap: Mapping[str, str]) -> None:
        super().__init__()
        self.text = help_text(scopes, keymap)

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-box"):
            yield Static(self.text, id="help-text", markup=False)
