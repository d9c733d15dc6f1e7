"""Fixtures: a fresh PjBackend per test (start/stop/start in one process works)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest

from tests.sip.helpers import Events
from tuiphone.model.account import AccountConfig
from tuiphone.model.backend import BackendSettings, MediaSettings
from tuiphone.model.events import RegistrationChanged
from tuiphone.sip import PjBackend


@dataclass
class Lab:
    backend: PjBackend
    events: Events
    contacts: dict[str, str]

    async def add(self, name: str, **kw: object) -> str:
        cfg = AccountConfig(id=name, uri=f"sip:{name}@127.0.0.1", **kw)  # type: ignore[arg-type]
        self.contacts[name] = await self.backend.add_account(cfg, None)
        return self.contacts[name]


async def _lab(media: MediaSettings) -> AsyncIterator[Lab]:
    backend, events = PjBackend(), Events()
    await backend.start(
        BackendSettings(media=media, log_level=int(__import__("os").environ.get("PJLOG", "0"))),
        events,
    )
    try:
        yield Lab(backend, events, {})
    finally:
        await backend.stop()


@pytest.fixture
async def lab() -> AsyncIterator[Lab]:
    async for item in _lab(MediaSettings()):
        yield item


@pytest.fixture
async def pair(lab: Lab) -> Lab:
    """alice and bob, direct-IP accounts on the backend's own UDP transport."""
    await lab.add("alice")
    await lab.add("bob")
    await lab.events.wait(lambda e: isinstance(e, RegistrationChanged) and e.account.id == "bob")
    return lab
