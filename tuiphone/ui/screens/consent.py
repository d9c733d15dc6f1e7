"""The consent dialog: data features a provider turned on wait for the user's yes.

Each waiting change in plain words (what it does, what leaves the machine); Accept
turns them on (from the next start), Reject keeps them off and stops asking, Later
leaves them waiting (``tuiphone provision accept`` does the same from the command mode).
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label

from tuiphone.ui.actions import bindings_for, keys_of, specs_for

Choice = str  # "accept" | "reject" | "later"


class ConsentScreen(ModalScreen[Choice]):
    """Dismisses with the user's choice; the main screen records it."""

    BINDINGS = bindings_for("consent")

    def __init__(self, source: str, changes: list[str]) -> None:
        super().__init__()
        self.source = source
        self.changes = changes

    def compose(self) -> ComposeResult:
        with Vertical(id="consent-box"):
            yield Label("Your provider wants to turn on", id="consent-title")
            for change in self.changes:
                yield Label(f"• {change}", classes="consent-change", markup=False)
            yield Label(f"from {self.source}", id="consent-source", markup=False)
            yield Label("Nothing changes until you accept.", classes="prompt-hint")
            with Horizontal(id="consent-buttons"):
                for spec in specs_for(["consent"]):
                    choice = spec.action.split("'")[1]
                    keys = keys_of(spec, getattr(self.app, "keymap", {}))
                    yield Button(f"{spec.description} ({keys})", id=f"choose-{choice}",
                                 compact=True)

    def on_mount(self) -> None:
        self.query_one("#choose-later", Button).focus()

    def action_choose(self, choice: Choice) -> None:
        self.dismiss(choice)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss((event.button.id or "choose-later").removeprefix("choose-"))
