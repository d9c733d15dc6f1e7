"""SIP ladder: dialogs grouped by Call-ID → ladder diagram → raw message (sngrep-like)."""

from __future__ import annotations

from collections.abc import Sequence

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from tuiphone.commands.trace.ladder import Dialog, arrow, group_dialogs, header
from tuiphone.model.trace import TraceEntry
from tuiphone.ui.actions import bindings_for

RUNG_WIDTH = 28


class LadderPane(Vertical):
    """Shows ``trace`` (bound to the screen's copy of the engine's SIP trace)."""

    trace: reactive[tuple[TraceEntry, ...]] = reactive(())
    BINDINGS = bindings_for("ladder")

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.dialogs: list[Dialog] = []
        self.current: Dialog | None = None

    def on_mount(self) -> None:
        if self.trace:
            self.set_trace(self.trace)

    def compose(self) -> ComposeResult:
        with Horizontal(id="ladder-top"):
            yield OptionList(id="dialogs")
            with Vertical(id="ladder-box"):
                yield Static("", id="ladder-head")
                yield OptionList(id="ladder-rungs")
        with VerticalScroll(id="raw-box"):
            yield Static("No SIP traffic yet.", id="raw", markup=False)

    def action_refresh(self) -> None:
        self.post_message(self.RefreshRequested())

    class RefreshRequested(Message):
        """Ask the screen for a fresh ``phone.trace()``."""

    def watch_trace(self, entries: tuple[TraceEntry, ...]) -> None:
        if self.is_mounted:
            self.set_trace(entries)

    def set_trace(self, entries: Sequence[TraceEntry]) -> None:
        self.dialogs = group_dialogs(entries)
        dialogs = self.query_one("#dialogs", OptionList)
        keep = self.current.call_id if self.current else None
        dialogs.clear_options()
        dialogs.add_options(Option(f"{d.title} ({len(d.entries)})") for d in self.dialogs)
        ids = [d.call_id for d in self.dialogs]
        index = ids.index(keep) if keep in ids else (len(ids) - 1 if ids else None)
        if index is not None:
            dialogs.highlighted = index
            self._show(self.dialogs[index])

    @on(OptionList.OptionHighlighted, "#dialogs")
    def _dialog(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        if event.option_index < len(self.dialogs):
            self._show(self.dialogs[event.option_index])

    @on(OptionList.OptionHighlighted, "#ladder-rungs")
    def _rung(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        if self.current and event.option_index < len(self.current.entries):
            entry = self.current.entries[event.option_index]
            head = f"{entry.direction.upper()} {entry.transport} {entry.peer}\n\n"
            self.query_one("#raw", Static).update(head + entry.text.replace("\r\n", "\n"))

    def on_resize(self) -> None:
        if self.current is not None:
            self._show(self.current)

    def _rung_width(self) -> int:
        """Arrows fill the ladder box (time column and gutters take 16 cells)."""
        width = self.query_one("#ladder-rungs", OptionList).content_size.width
        return max(14, width - 16) if width else RUNG_WIDTH

    def _show(self, dialog: Dialog) -> None:
        self.current = dialog
        t0 = dialog.entries[0].timestamp
        width = self._rung_width()
        self.query_one("#ladder-head", Static).update(header(dialog, width))
        ladder = self.query_one("#ladder-rungs", OptionList)
        keep = ladder.highlighted or 0
        ladder.clear_options()
        ladder.add_options(Option(arrow(e, t0, width)) for e in dialog.entries)
        ladder.highlighted = min(keep, len(dialog.entries) - 1)
