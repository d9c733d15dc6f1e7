"""An in-process engine on the FakeBackend served on a control socket."""

from __future__ import annotations

import pytest

from tuiphone.control import ControlServer, RemotePhone, socket_path
from tuiphone.engine.fake import FakeBackend
from tuiphone.engine.phone import Phone
from tuiphone.engine.setup import EngineSetup
from tuiphone.model.account import AccountConfig


@pytest.fixture
async def engine():
    accounts = (
        AccountConfig(id="local", uri="sip:me@127.0.0.1"),
        AccountConfig(id="bob", uri="sip:bob@127.0.0.1"),
        AccountConfig(id="work", uri="sip:alice@example.com", registrar="sip:example.com"),
    )
    backend = FakeBackend(register_failure={"work": (403, "Forbidden")})
    phone = Phone(EngineSetup(accounts=accounts, register_backoff_s=(60.0,)), backend)
    await phone.start()
    server = ControlServer(phone, socket_path())
    await server.start()
    yield phone
    await server.close()
    await phone.stop()


@pytest.fixture
async def remote(engine):
    client = await RemotePhone.connect()
    yield client
    await client.close()
