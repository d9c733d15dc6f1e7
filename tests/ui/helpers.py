"""Shared builders for the UI tests: a real Phone over the FakeBackend."""

from __future__ import annotations

import contextlib
import time
from collections.abc import AsyncIterator, Callable, Mapping
from pathlib import Path
from typing import Any

from textual.pilot import Pilot

from tests.support.vdir import write_vdir
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


@contextlib.asynccontextmanager
async def running(app: TuiphoneApp, size: tuple[int, int] = (160, 48)
                  ) -> AsyncIterator[Pilot[Any]]:
    """``app.run_test`` once the app's phone is up: the prologue of most UI tests."""
    async with app.run_test(size=size) as pilot:
        await until(pilot, lambda: app.phone is not None)
        yield pilot


async def until(pilot: Pilot[Any], predicate: Callable[[], bool], timeout_s: float = 30.0) -> None:
    """Let the app run until ``predicate`` holds; fail after ``timeout_s``.

    Bounded by time, not by a number of pauses: on a loaded machine a worker thread
    (an address book loading) can need many more pauses than on an idle one."""
    deadline = time.monotonic() + timeout_s
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"condition never became true within {timeout_s:g} s")
        await pilot.pause()


def app_over_vdir(
    tmp_path: Path, cards: Mapping[str, str], **config: Any
) -> tuple[TuiphoneApp, Phone, Path]:
    """An app over a real Phone (FakeBackend) whose address book is a vdir holding
    ``cards`` (file name -> vCard text); ``config`` adds AppConfig fields."""
    from tuiphone.config.schema import ContactsConfig
    from tuiphone.host.build import build_phone

    folder = write_vdir(tmp_path / "contacts", cards)
    app_config = AppConfig(accounts=(ME, BOB), contacts=ContactsConfig(vdirs=(str(folder),)),
                           **config)
    phone = build_phone(app_config, backend=FakeBackend(), db_path=tmp_path / "tuiphone.db")

    async def factory() -> Phone:
        await phone.start()
        return phone

    app = TuiphoneApp(factory, app_config, clock=lambda: 1_700_000_000.0)
    app.main.quickdial_keys.state_path = tmp_path / "state.toml"
    return app, phone, folder


def screen_lines(app: TuiphoneApp) -> list[str]:
    """The screen as text, a line per row (what a terminal shows, without colours)."""
    import io

    from rich.console import Console

    width, height = app.size
    console = Console(width=width, height=height, file=io.StringIO(), force_terminal=True,
                      color_system="truecolor", record=True, legacy_windows=False)
    console.print(app.screen._compositor.render_update(full=True))
    return console.export_text().splitlines()
