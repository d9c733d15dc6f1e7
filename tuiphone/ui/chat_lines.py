"""How a conversation reads: a day line ("Today", "Yesterday", else the date) before each
day's first message, and on every message its time (HH:MM), who wrote it, the text, and
the delivery mark in a column of its own, so the mark never touches the text and a long
text wraps in its column instead of running under the mark. Each piece also has a plain
form (copying, tests)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, RenderResult
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

from tuiphone.model.message import Message
from tuiphone.ui.format import delivery_mark

DAY_ID = "-day-"  # option ids of day lines start with it (never a message id)
GAP = 2  # cells between time, text and mark
NARROW = 16  # a text column narrower than this (and than the text) puts the mark below


def day_of(stamp: float) -> date:
    return datetime.fromtimestamp(stamp).date()


def day_label(day: date, today: date) -> str:
    """'Today', 'Yesterday', 'Mon 13 Nov' this year, else 'Mon 13 Nov 2023'."""
    if day == today:
        return "Today"
    if day == today - timedelta(days=1):
        return "Yesterday"
    return day.strftime("%a %d %b" if day.year == today.year else "%a %d %b %Y")


@dataclass(frozen=True)
class DayLine:
    """A rule across the list with the day's name in it."""

    label: str

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield Rule(self.label, style="dim")

    @property
    def plain(self) -> str:
        return f"── {self.label} ──"


@dataclass(frozen=True)
class MessageLine:
    """One message: time, text (with any rows under it: a file's progress, a warning)
    and the delivery mark, right-aligned."""

    time: str
    text: Text
    mark: str

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        grid = Table.grid(padding=(0, GAP), pad_edge=False, expand=True)
        grid.add_column(no_wrap=True, style="dim")
        grid.add_column(ratio=1, overflow="fold")
        room = options.max_width - cell_len(self.time) - cell_len(self.mark) - 2 * GAP
        if not self.mark or room >= min(self.text.cell_len, NARROW):
            grid.add_column(no_wrap=True, justify="right", style="dim", overflow="ellipsis")
            grid.add_row(self.time, self.text, self.mark)
            yield grid
            return
        # a narrow pane: the mark goes on a line of its own under the text
        grid.add_row(self.time, self.text)
        yield grid
        yield Text(self.mark, style="dim", justify="right", no_wrap=True, overflow="ellipsis")

    @property
    def plain(self) -> str:
        first, *rest = self.text.plain.split("\n")
        head = f"{self.time}  {first}" + (f"  {self.mark}" if self.mark else "")
        return "\n".join([head, *rest])


def message_line(m: Message, who: str) -> MessageLine:
    text = Text()
    text.append(f"{who}: ", style="bold")
    text.append(m.body)
    if m.truncated:
        text.append("\n✂ truncated: not all of it arrived", style="bold red")
    stamp = datetime.fromtimestamp(m.timestamp).strftime("%H:%M")
    return MessageLine(stamp, text, delivery_mark(m))


def with_days(messages: Iterable[Message]) -> Iterator[tuple[date | None, Message]]:
    """Each message with its day when it is the first of that day, else None."""
    last = None
    for m in messages:
        day = day_of(m.timestamp)
        yield (day if day != last else None), m
        last = day
