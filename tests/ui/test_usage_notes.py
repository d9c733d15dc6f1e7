"""The TUI reports the screens and panes opened to the usage counters."""

from __future__ import annotations

import dataclasses

from textual.screen import Screen

from tests.ui.helpers import BOB, ME, make_app, running, until
from tuiphone.engine.fake import FakeBackend
from tuiphone.engine.phone import Phone
from tuiphone.engine.setup import EngineSetup
from tuiphone.model.account import Features
from tuiphone.ui.screens.contact_edit import ContactEditScreen
from tuiphone.ui.usage_notes import screen_name


def _phone(counting: bool) -> Phone:
    me = dataclasses.replace(ME, features=Features(usage_counters=counting))
    return Phone(EngineSetup(accounts=(me, BOB)), FakeBackend())


async def test_screens_and_panes_opened_are_counted() -> None:
    app, phone = make_app(_phone(counting=True))
    async with running(app) as pilot:
        app.main.go("contacts")
        await until(pilot, lambda: "*:screen.contacts" in phone.store.counters())
        await pilot.press("f1")
        await until(pilot, lambda: "*:screen.help" in phone.store.counters())
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is app.main)
        assert "*:screen.main" not in phone.store.counters()  # counted by its panes
        app.main.go("ladder")
        await until(pilot, lambda: "*:screen.ladder" in phone.store.counters())
        await app.action_quit()


async def test_nothing_is_counted_when_off() -> None:
    app, phone = make_app(_phone(counting=False))
    async with running(app) as pilot:
        app.main.go("contacts")
        await pilot.press("f1")
        await until(pilot, lambda: app.screen is not app.main)
        await until(pilot, lambda: not any(w.is_running for w in app.workers
                                           if w.group == "usage"))
        assert phone.store.counters() == {}
        await app.action_quit()


def test_screen_names() -> None:
    assert screen_name(ContactEditScreen.__new__(ContactEditScreen)) == "contact-edit"
    assert screen_name(Screen()) == "screen"
