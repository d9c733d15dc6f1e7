"""Chat time stamps: messages grouped under a day line ("Today", "Yesterday", a date),
a time on each line, and the delivery mark in a column of its own (never touching the
text; below it when the pane is too narrow)."""

from __future__ import annotations

import time
from datetime import date

import pytest
from textual.app import App, ComposeResult
from textual.widgets import OptionList

from tests.ui.helpers import until
from tuiphone.model.message import Delivery, Message
from tuiphone.ui.chat_lines import day_label
from tuiphone.ui.widgets.chat import ChatPane

T0 = 1_700_000_000.0  # Tue 2023-11-14 22:13:20 UTC
DAY = 86_400.0
PEER = "sip:echo@127.0.0.1"


@pytest.fixture(autouse=True)
def _utc(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()


def msg(n: int, at: float, body: str, direction: str = "out",
        delivery: Delivery = Delivery.SENT) -> Message:
    return Message(f"m{n}", "local", direction, PEER, body, "text/plain", at, delivery)


HISTORY = [
    msg(1, T0 - 400 * DAY, "last year"),
    msg(2, T0 - 2 * DAY - 3600, "two days ago"),
    msg(3, T0 - DAY, "yesterday", "in", Delivery.RECEIVED),
    msg(4, T0 - 60, "hello"),
    msg(5, T0 - 30, "still there?", delivery=Delivery.DELIVERED),
]


class Host(App[None]):
    CSS = "#threads { width: 10; }"

    def __init__(self, width: int) -> None:
        super().__init__()
        self.width = width

    def compose(self) -> ComposeResult:
        pane = ChatPane(clock=lambda: T0, id="chat")
        pane.styles.width = self.width
        yield pane


async def conversation(width: int, messages: list[Message]) -> tuple[str, list[str]]:
    """The pane's conversation_text and its lines on screen."""
    app = Host(width)
    async with app.run_test(size=(160, 30)) as pilot:
        chat = app.query_one(ChatPane)
        chat.open_thread(PEER)
        for m in messages:
            chat.add(m)
        conv = chat.query_one("#conversation", OptionList)
        await until(pilot, lambda: sum(not o.disabled for o in conv.options) == len(messages))
        await pilot.pause()
        lines = [conv.render_line(y).text.rstrip() for y in range(conv.size.height)]
        return chat.conversation_text(), [line for line in lines if line]


def test_day_labels() -> None:
    today = date(2023, 11, 14)
    assert day_label(today, today) == "Today"
    assert day_label(date(2023, 11, 13), today) == "Yesterday"
    assert day_label(date(2023, 11, 12), today) == "Sun 12 Nov"
    assert day_label(date(2022, 10, 10), today) == "Mon 10 Oct 2022"


async def test_messages_are_grouped_by_day_with_a_time_on_each() -> None:
    text, _ = await conversation(80, HISTORY)
    assert text.splitlines() == [
        "── Mon 10 Oct 2022 ──",
        "22:13  me: last year  ✓ sent",
        "── Sun 12 Nov ──",
        "21:13  me: two days ago  ✓ sent",
        "── Yesterday ──",
        "22:13  echo: yesterday",
        "── Today ──",
        "22:12  me: hello  ✓ sent",
        "22:12  me: still there?  ✓✓ delivered",
    ]


async def test_the_day_lines_are_not_stops_for_the_cursor() -> None:
    app = Host(80)
    async with app.run_test(size=(160, 30)) as pilot:
        chat = app.query_one(ChatPane)
        chat.open_thread(PEER)
        for m in HISTORY:
            chat.add(m)
        conv = chat.query_one("#conversation", OptionList)
        await until(pilot, lambda: getattr(chat.highlighted_message(), "id", "") == "m5")
        conv.focus()
        await pilot.press("up", "up")
        assert getattr(chat.highlighted_message(), "id", "") == "m3"  # over "Today"


async def test_the_mark_sits_apart_at_the_right_edge() -> None:
    _, lines = await conversation(60, HISTORY[3:4])
    line = next(x for x in lines if "hello" in x)
    text, mark = line.split("hello")
    assert text.strip() == "22:12  me:"
    assert mark.endswith("✓ sent")
    assert mark.startswith("   ")  # a gap of blanks, whatever the width
    assert any("Today" in x and "──" in x for x in lines)


async def test_a_narrow_pane_puts_the_mark_under_the_text() -> None:
    _, lines = await conversation(42, [msg(6, T0 - 10, "a text long enough to wrap here",
                                           delivery=Delivery.DELIVERED)])
    assert "✓✓ delivered" not in "".join(x for x in lines if "22:13" in x)
    (mark,) = [x for x in lines if "✓✓ delivered" in x]
    assert mark.strip() == "✓✓ delivered"  # alone on its line, under the text
