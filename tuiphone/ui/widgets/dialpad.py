"""Dialpad: type a number or URI and press Enter; during a call, digits become DTMF."""

from __future__ import annotations

from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.containers import Grid, Vertical
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import Button, Input, Static

from tuiphone.ui.actions import bindings_for
from tuiphone.ui.messages import DialRequested

KEYS = "123456789*0#"
DTMF_CHARS = frozenset("0123456789*#ABCDabcd")


class Dialpad(Vertical):
    """``in_call`` (set by the screen) switches to tone mode; ``dialpad.mode`` toggles it.

    Posts ``DialRequested`` on Enter in dial mode and ``Dialpad.DtmfRequested`` for every
    digit typed, pasted or clicked in tone mode.
    """

    BINDINGS = bindings_for("dialpad")
    in_call: reactive[bool] = reactive(False)
    force_dial: reactive[bool] = reactive(False)
    # what the account's dialling rules make of the typed text, when they change it
    rewritten: reactive[str] = reactive("")

    @dataclass
    class DtmfRequested(Message):
        digits: str

    @dataclass
    class PreviewWanted(Message):
        """The typed text changed: the screen asks the engine what it would dial."""

        text: str

    def compose(self) -> ComposeResult:
        yield Input(placeholder="number, user or sip: URI", id="dial-input")
        # The rest in one box: a cursor blink repaints every widget whose parent's area
        # overlaps the input's (Textual clips by the parent), so the keys stay out of it
        with Vertical(id="dial-keys"):
            yield Static(id="dial-mode")
            with Grid(id="keypad"):
                for key in KEYS:
                    name = {"*": "star", "#": "hash"}.get(key, key)
                    yield Button(key, id=f"key-{name}", classes="key", compact=True)
            yield Static("", id="dtmf-rx")

    def on_mount(self) -> None:
        for button in self.query(Button):
            button.can_focus = False
        self._show_mode()

    @property
    def tone_mode(self) -> bool:
        return self.in_call and not self.force_dial

    def watch_in_call(self, in_call: bool) -> None:
        if not in_call:
            self.force_dial = False
        self._show_mode()

    def watch_force_dial(self) -> None:
        self._show_mode()

    def watch_rewritten(self) -> None:
        self._show_mode()

    def _show_mode(self) -> None:
        if not self.is_mounted:
            return
        text = "tones: digits go to the call" if self.tone_mode else "Enter dials"
        if not self.tone_mode and self.rewritten:
            text = f"Enter dials {self.rewritten} (dialling rule)"
        self.query_one("#dial-mode", Static).update(text)
        self.set_class(self.tone_mode, "-tones")

    def action_toggle_mode(self) -> None:
        if self.in_call:
            self.force_dial = not self.force_dial

    def show_received(self, digit: str) -> None:
        label = self.query_one("#dtmf-rx", Static)
        label.update(f"received: {(str(label.content).removeprefix('received: ') + digit)[-16:]}")

    @on(Input.Changed, "#dial-input")
    def _typed(self, event: Input.Changed) -> None:
        if not self.tone_mode:
            self.rewritten = ""
            if event.value.strip():
                self.post_message(self.PreviewWanted(event.value))
            return
        if not event.value:
            return
        digits = "".join(c for c in event.value if c in DTMF_CHARS)
        event.input.value = ""
        if digits:
            self.post_message(self.DtmfRequested(digits.upper()))

    @on(Input.Submitted, "#dial-input")
    def _submitted(self, event: Input.Submitted) -> None:
        target = event.value.strip()
        if target and not self.tone_mode:
            event.input.value = ""
            self.post_message(DialRequested(target))

    @on(Button.Pressed, ".key")
    def _key(self, event: Button.Pressed) -> None:
        key = str(event.button.label)
        if self.tone_mode:
            self.post_message(self.DtmfRequested(key))
        else:
            self.query_one("#dial-input", Input).insert_text_at_cursor(key)
