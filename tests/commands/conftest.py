"""A started Phone on the FakeBackend, for running commands in-process."""

from __future__ import annotations

import pytest

from tuiphone.engine.fake import FakeBackend
from tuiphone.engine.phone import Phone
from tuiphone.engine.setup import EngineSetup
from tuiphone.model.account import AccountConfig


@pytest.fixture
async def phone():
    accounts = (
        AccountConfig(id="local", uri="sip:me@127.0.0.1"),
        AccountConfig(id="bob", uri="sip:bob@127.0.0.1"),
        AccountConfig(id="work", uri="sip:alice@example.com", registrar="sip:example.com"),
    )
    p = Phone(EngineSetup(accounts=accounts), FakeBackend())
    await p.start()
    yield p
    await p.stop()
