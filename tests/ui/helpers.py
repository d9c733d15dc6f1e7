"""Shared builders for the UI tests: a real Phone over the FakeBackend."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.pilot import Pilot

from tuiphone.config.schema import AppConfig, QuickDialEntry, UiConfig
from tuiphone.engine.fake import FakeBackend
from tuiphone.engine.phone import Phone
from tuiphone.engine.setup import EngineSetup
from tuiphone.model.account import AccountConfig
from tuiphone.ui.app import TuiphoneApp

ME = AccountConfig(id="local", uri="sip:me@127.0.0.1")
BOB = AccountConfig(id="bob", uri="sip:bob@127.0.0.1")


def make_phone() -> Phone:
    return Phone(EngineSetup(accounts=(ME, BOB)), FakeBackend())


def make_app(phone: Phone | None = None, **ui: object) -> tuple[TuiphoneApp, Phone]:
    """An app whose factory starts ``phone`` (two local accounts: local and bob)."""
    phone = phone or make_phone()

    async def factory() -> Phone:
        await phone.start()
        return phone

    config = AppConfig(
        accounts=(ME, BOB),
        ui=UiConfig(**ui),  # type: ignore[arg-type]
        quickdial=(QuickDialEntry("Bob", "sip:bob@127.0.0.1"),
                   QuickDialEntry("Alice", "sip:alice@example.com", blf=True)),
    )
    return TuiphoneApp(factory, config, clock=lambda: 1_700_000_000.0), phone


async def until(pilot: Pilot[Any], predicate: Callable[[], bool], rounds: int = 1000) -> None:
    """Let the app run until ``predicate`` holds; fail after ``rounds`` pauses."""
    for _ in range(rounds):
        if predicate():
            return
        await pilot.pause()
    raise AssertionError("condition never became true")
