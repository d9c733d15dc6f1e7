"""lamps, wait lamp, presence set, pickup: in-process and over the control socket."""

from __future__ import annotations

import asyncio

import pytest

from tuiphone.commands.runner import run_line
from tuiphone.config.schema import QuickDialEntry
from tuiphone.engine.fake import FakeBackend
from tuiphone.engine.phone import Phone
from tuiphone.engine.setup import EngineSetup
from tuiphone.model.account import AccountConfig, Features
from tuiphone.model.codec import to_jsonable
from tuiphone.model.errors import Timeout, UsageError
from tuiphone.model.lamp import LampState

ACCOUNTS = (
    AccountConfig(id="me", uri="sip:me@127.0.0.1", features=Features(blf=True, presence=True)),
    AccountConfig(id="bob", uri="sip:bob@127.0.0.1", auto_answer=True),
)
QUICKDIAL = (QuickDialEntry(label="Bob", uri="sip:bob@127.0.0.1", blf=True, pickup="**"),)


@pytest.fixture
async def phone():
    backend = FakeBackend()
    p = Phone(EngineSetup(accounts=ACCOUNTS, quickdial=QUICKDIAL), backend)
    await p.start()
    yield p
    await p.stop()


async def test_lamps_lists_every_lamp(phone):
    await run_line(phone, "wait lamp sip:bob@127.0.0.1 idle --timeout 5")
    lamps = to_jsonable(await run_line(phone, "lamps --json"))
    assert {lamp["uri"]: lamp["state"] for lamp in lamps} == {
        "echo": "idle", "sip:bob@127.0.0.1": "idle"}


async def test_wait_lamp_sees_a_change(phone):
    waiting = asyncio.ensure_future(run_line(phone, "wait lamp bob@127.0.0.1 busy --timeout 5"))
    await run_line(phone, "wait lamp sip:bob@127.0.0.1 idle --timeout 5")
    await phone.call("sip:bob@127.0.0.1")
    result = await waiting
    assert result["match"]["state"] == LampState.BUSY.value
    assert result["condition"] == "lamp bob@127.0.0.1 busy"


async def test_wait_lamp_times_out(phone):
    with pytest.raises(Timeout):
        await run_line(phone, "wait lamp sip:bob@127.0.0.1 dnd --timeout 0.05")


async def test_presence_set_and_its_states(phone):
    result = await run_line(phone, "presence set away --note 'back at 2'")
    assert result == {"presence": "away", "note": "back at 2"}
    with pytest.raises(UsageError):
        await run_line(phone, "presence set sleepy")


async def test_pickup_dials_the_code(phone):
    call = await run_line(phone, "pickup Bob")
    assert call.remote_uri == "sip:**bob@127.0.0.1"


async def test_lamps_and_lamp_events_over_the_control_socket(phone):
    from tuiphone.control import ControlServer, RemotePhone, socket_path
    from tuiphone.model.lamp import Lamp

    server = ControlServer(phone, socket_path())
    await server.start()
    remote = await RemotePhone.connect()
    try:
        lamps = await remote.lamps()
        assert all(isinstance(lamp, Lamp) for lamp in lamps)
        assert {lamp.uri for lamp in lamps} == {"echo", "sip:bob@127.0.0.1"}
        waiting = asyncio.ensure_future(
            run_line(remote, "wait lamp sip:bob@127.0.0.1 busy --timeout 5"))
        await run_line(remote, "wait lamp echo idle --timeout 5")  # the feed is live by now
        call = await remote.pickup("sip:bob@127.0.0.1")
        assert call.remote_uri == "sip:**bob@127.0.0.1"
        await remote.call("sip:bob@127.0.0.1")
        assert (await waiting)["match"]["state"] == "busy"
        await remote.set_presence("dnd", "focus")
    finally:
        await remote.close()
        await server.close()
