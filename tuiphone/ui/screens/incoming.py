"""The incoming-call modal: answer, reject or send to voicemail."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label

from tuiphone.model.call import CallInfo
from tuiphone.ui.actions import bindings_for, keys_of, specs_for
from tuiphone.ui.format import identity_words, thread_key, vouched

Choice = str  # "answer" | "reject" | "voicemail" | "later"


class IncomingCallScreen(ModalScreen[Choice]):
    """Dismisses with the user's choice; the main screen does the work."""

    BINDINGS = bindings_for("incoming")

    def __init__(self, call: CallInfo, caller: str, waiting: bool = False) -> None:
        super().__init__()
        self.call = call
        self.caller = caller
        self.waiting = waiting

    def compose(self) -> ComposeResult:
        with Vertical(id="incoming-box"):
            title = "Call waiting" if self.waiting else "Incoming call"
            yield Label(f"← {title}", id="incoming-title")
            yield Label(self.caller, id="incoming-caller", markup=False)
            uri = thread_key(self.call.remote_uri)
            if uri != self.caller:
                yield Label(uri, id="incoming-uri", markup=False)
            if self.call.identity is not None:
                ok = vouched(self.call.identity.vouch)
                yield Label(identity_words(self.call.identity), id="incoming-identity",
                            markup=False, classes="-vouched" if ok else "-doubtful")
            with Horizontal(id="incoming-buttons"):
                for spec in specs_for(["incoming"]):
                    choice = spec.action.split("'")[1]
                    keys = keys_of(spec, getattr(self.app, "keymap", {}))
                    yield Button(f"{spec.description} ({keys})", id=f"choose-{choice}",
                                 compact=True)

    def set_caller(self, name: str) -> None:
        """A better name for the caller (from the address book), once known."""
        self.caller = name
        if self.is_mounted:
            self.query_one("#incoming-caller", Label).update(name)

    def on_mount(self) -> None:
        self.query_one("#choose-answer", Button).focus()

    def action_choose(self, choice: Choice) -> None:
        self.dismiss(choice)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss((event.button.id or "choose-later").removeprefix("choose-"))
