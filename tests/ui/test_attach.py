"""Attach: a running engine's control socket is used instead of a second engine."""

from __future__ import annotations

import asyncio
import json

from textual.widgets import DataTable

from tests.ui.helpers import BOB, ME, make_phone, until
from tuiphone.config.schema import AppConfig
from tuiphone.control import ControlServer, socket_path
from tuiphone.host.claim import Role
from tuiphone.host.session import EngineHost
from tuiphone.model.call import CallState
from tuiphone.ui.app import TuiphoneApp
from tuiphone.ui.widgets.statusbar import StatusBar


async def test_attaches_to_running_engine_and_detach_leaves_calls_up() -> None:
    engine = make_phone()
    await engine.start()
    server = ControlServer(engine, socket_path())
    await server.start()
    built: list[object] = []
    config = AppConfig(accounts=(ME, BOB))
    factory = EngineHost(Role.FRONT_END, lambda: config, build=built.append)
    app = TuiphoneApp(factory, AppConfig(accounts=(ME, BOB)))
    try:
        async with app.run_test(size=(160, 48)) as pilot:
            await until(pilot, lambda: app.phone is not None)
            status = app.main.query_one(StatusBar)
            assert status.engine == "attached"
            assert built == []
            await pilot.press(*"echo", "enter")
            await until(pilot, lambda: [c.state for c in engine.state().calls]
                        == [CallState.CONNECTED])
            table = app.main.query_one("#active-calls", DataTable)
            await until(pilot, lambda: table.row_count == 1)
            await app.release_phone()
        assert [c.state for c in engine.state().calls] == [CallState.CONNECTED]
    finally:
        await server.close()
        await engine.stop()


async def test_without_engine_builds_its_own_and_serves_it() -> None:
    config = AppConfig(accounts=(ME, BOB))
    factory = EngineHost(Role.FRONT_END, lambda: config, build=lambda _c: make_phone())
    app = TuiphoneApp(factory, AppConfig(accounts=(ME, BOB)))
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: app.phone is not None)
        assert app.main.query_one(StatusBar).engine == "local"
        assert socket_path().exists()
        await app.release_phone()
        assert not socket_path().exists()


async def test_an_engine_the_tui_owns_answers_run_requests() -> None:
    """The socket of a TUI-owned engine serves the same requests as the daemon's."""
    config = AppConfig(accounts=(ME, BOB))
    factory = EngineHost(Role.FRONT_END, lambda: config, build=lambda _c: make_phone())
    app = TuiphoneApp(factory, AppConfig(accounts=(ME, BOB)))
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: app.phone is not None)
        reader, writer = await asyncio.open_unix_connection(str(socket_path()))
        writer.write(b'{"id": 1, "cmd": "run", "args": {"line": "accounts"}}\n')
        reply = json.loads(await asyncio.wait_for(reader.readline(), 30))
        writer.close()
        await app.release_phone()
    assert reply["ok"] is True, reply
    assert [a["id"] for a in reply["result"]] == ["local", "bob"]
