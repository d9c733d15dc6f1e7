"""The status bar names the location profile an emergency call would carry; an emergency
number is dialled at once unless [ui] confirm_emergency asks for a yes first."""

from __future__ import annotations

from tests.ui.helpers import BOB, make_app, running, until
from tuiphone.engine.fake import FakeBackend
from tuiphone.engine.phone import Phone
from tuiphone.engine.setup import EngineSetup
from tuiphone.model.account import AccountConfig, Features
from tuiphone.model.location import LocationProfile, MatchRules, NetworkFacts
from tuiphone.ui.screens.prompt import ConfirmScreen
from tuiphone.ui.widgets.statusbar import StatusBar

HQ = LocationProfile("hq", civic=(("country", "DE"),),
                     match=MatchRules(subnets=("198.18.5.0/24",)))
FIELD = LocationProfile("field", civic=(("country", "DE"),))
FACTS = NetworkFacts(addresses=("198.18.5.2/24",))


def phone(location: bool) -> Phone:
    me = AccountConfig(id="local", uri="sip:me@127.0.0.1", features=Features(location=location))
    setup = EngineSetup(accounts=(me, BOB), locations=(HQ, FIELD), network_facts=lambda: FACTS)
    return Phone(setup, FakeBackend())


async def test_status_bar_shows_the_matching_then_the_hand_picked_profile() -> None:
    app, engine = make_app(phone(location=True))
    async with running(app) as pilot:
        status = app.main.query_one(StatusBar)
        await until(pilot, lambda: "⌖ location: hq" in str(status.render()))
        await engine.set_location("field")
        await app.main._load_location().wait()  # what the 30 s poll does
        await until(pilot, lambda: "⌖ location: field (set)" in str(status.render()))


async def test_status_bar_has_no_location_when_it_is_off() -> None:
    app, _engine = make_app(phone(location=False))
    async with running(app) as pilot:
        status = app.main.query_one(StatusBar)
        await app.main._load_location().wait()  # the engine answered: location is off
        await pilot.pause()
        assert "direct" in str(status.render())
        assert "location" not in str(status.render())


async def test_emergency_number_is_dialled_at_once_by_default() -> None:
    app, engine = make_app(phone(location=True))
    async with running(app) as pilot:
        await pilot.press(*"911", "enter")
        await until(pilot, lambda: any(c.remote_uri.startswith("sip:911@")
                                       for c in engine.state().calls))
        assert not isinstance(app.screen, ConfirmScreen)


async def test_confirm_emergency_asks_first() -> None:
    app, engine = make_app(phone(location=True), confirm_emergency=True)
    async with running(app) as pilot:
        await pilot.press(*"911", "enter")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        assert "emergency number 911 (hq)" in app.screen.question
        assert engine.state().calls == ()
        await pilot.press("y")
        await until(pilot, lambda: any(c.remote_uri.startswith("sip:911@")
                                       for c in engine.state().calls))


async def test_confirm_emergency_does_not_ask_for_ordinary_numbers() -> None:
    app, engine = make_app(phone(location=True), confirm_emergency=True)
    async with running(app) as pilot:
        await pilot.press(*"5551234", "enter")
        await until(pilot, lambda: len(engine.state().calls) == 1)
        assert not isinstance(app.screen, ConfirmScreen)
