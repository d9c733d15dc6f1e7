"""EventFeed.until: the first matching event, a Timeout, or None when the engine stops."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from tuiphone.engine.feed import EventFeed
from tuiphone.model.errors import Timeout
from tuiphone.model.events import DtmfReceived, Event, Notice


class Script:
    """events(): the given events, then (if ``end``) the end of the stream, else silence."""

    def __init__(self, *events: Event, end: bool = False) -> None:
        self.items, self.end = events, end

    async def events(self) -> AsyncIterator[Event]:
        for event in self.items:
            yield event
        if not self.end:
            await asyncio.Event().wait()


def digit(event: Event) -> str | None:
    return event.digit if isinstance(event, DtmfReceived) else None


async def test_until_returns_the_first_match_and_skips_the_rest():
    phone = Script(Notice("info", "x"), DtmfReceived("c1", "5"), DtmfReceived("c1", "6"))
    async with EventFeed(phone) as feed:
        assert await feed.until(digit, 5) == "5"
        assert await feed.until(digit, 5) == "6"


async def test_until_says_what_did_not_happen_in_time():
    async with EventFeed(Script(Notice("info", "x"))) as feed:
        with pytest.raises(Timeout, match="no digit within 0.05 s"):
            await feed.until(digit, 0.05, late="no digit")


async def test_until_is_none_when_the_engine_stops_first():
    async with EventFeed(Script(Notice("info", "x"), end=True)) as feed:
        assert await feed.until(digit, None) is None
