"""What the TUI tells the usage counters: each screen and main-screen pane the user
opens. The engine decides whether anything is counted (features.usage_counters); notes
made before the engine is up wait (a few) and go once it is."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from textual.screen import Screen

if TYPE_CHECKING:
    from textual.app import App

    from tuiphone.engine.api import PhoneApi
    from tuiphone.ui.screens.main import MainScreen

_WAITING_MAX = 20


def screen_name(screen: Screen[Any]) -> str:
    """``ContactEditScreen`` -> ``contact-edit``."""
    words = re.findall(r"[A-Z][a-z0-9]*", type(screen).__name__.removesuffix("Screen"))
    return "-".join(w.lower() for w in words) or "screen"


class UsageNotes:
    def __init__(self, app: App[Any], main: MainScreen) -> None:
        self.app, self.main = app, main
        self.phone: PhoneApi | None = None
        self._pane = ""
        self._waiting: list[str] = []

    def start(self) -> None:
        self.app.screen_change_signal.subscribe(self.app, self._screen)
        self.app.watch(self.main, "focused", self._focus, init=False)

    def attach(self, phone: PhoneApi) -> None:
        self.phone = phone
        waiting, self._waiting = self._waiting, []
        for fact in waiting:
            self.note(fact)

    def _screen(self, screen: Screen[Any]) -> None:
        if screen is not self.main:  # the main screen is counted by its panes
            self.note(f"screen.{screen_name(screen)}")

    def _focus(self, _widget: object) -> None:
        pane = self.main.current_pane()
        if pane != self._pane:
            self._pane = pane
            self.note(f"screen.{pane}")

    def note(self, fact: str) -> None:
        if self.phone is None:
            if len(self._waiting) < _WAITING_MAX:
                self._waiting.append(fact)
            return
        self.app.run_worker(self._send(self.phone, fact), group="usage", exit_on_error=False)

    @staticmethod
    async def _send(phone: PhoneApi, fact: str) -> None:
        await phone.note_usage(fact)
