"""QuickDial: a grid of favourites with a lamp each; Enter or a click dials."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.containers import Grid
from textual.widgets import Button

from tuiphone.model.lamp import LampState, lamp_badge
from tuiphone.ui.format import thread_key
from tuiphone.ui.messages import DialRequested


@dataclass(frozen=True, slots=True)
class Favourite:
    """One button. ``watch`` is False for entries whose lamp only reflects our own calls."""

    label: str
    uri: str
    watch: bool = False


class QuickDial(Grid):
    """``set_lamps`` takes thread keys (user@host) -> LampState; others stay as they are."""

    def __init__(self, favourites: Sequence[Favourite], **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.favourites = list(favourites)
        self.lamps: dict[int, LampState] = {
            i: LampState.UNKNOWN if f.watch else LampState.IDLE for i, f in enumerate(favourites)
        }

    def compose(self) -> ComposeResult:
        for index in range(len(self.favourites)):
            yield Button(self._label(index), id=f"fav-{index}", classes="favourite", compact=True)

    def on_mount(self) -> None:
        self._paint()

    def set_lamps(self, by_key: Mapping[str, LampState], *, local_only: bool = True) -> None:
        """Lamps from our own calls (``local_only``) leave BLF-watched entries alone."""
        for index, fav in enumerate(self.favourites):
            if local_only and fav.watch:
                continue
            state = by_key.get(thread_key(fav.uri), LampState.IDLE)
            self.lamps[index] = state
        self._paint()

    def lamp_of(self, label: str) -> LampState:
        index = next(i for i, f in enumerate(self.favourites) if f.label == label)
        return self.lamps[index]

    def _label(self, index: int) -> str:
        return f"{lamp_badge(self.lamps[index])}  {self.favourites[index].label}"

    def _paint(self) -> None:
        for index in range(len(self.favourites)):
            button = self.query_one(f"#fav-{index}", Button)
            button.label = self._label(index)
            for state in LampState:
                button.set_class(self.lamps[index] is state, f"-{state.value}")

    @on(Button.Pressed, ".favourite")
    def _dial(self, event: Button.Pressed) -> None:
        event.stop()
        index = int((event.button.id or "fav-0").removeprefix("fav-"))
        self.post_message(DialRequested(self.favourites[index].uri))
