"""Fixtures: a fresh PjBackend per test (start/stop/start in one process works)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
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


@asynccontextmanager
async def _lab(media: MediaSettings) -> AsyncIterator[Lab]:
    """``async with _lab(media) as lab``: the backend stops when the block ends, also
    when an assertion in it fails (an ``async for`` over a generator left that to the
    garbage collector, and every later pjsua test found "another PjBackend running")."""
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
    async with _lab(MediaSettings()) as item:
        yield item


@pytest.fixture(autouse=True)
def _no_backend_left_running() -> Iterator[None]:
    """A test that leaves a PjBackend running fails here, and the backend is stopped, so
    that the tests after it do not all fail on "another PjBackend is running"."""
    yield
    from tests.leaks import stop_leaked_backends

    if left := stop_leaked_backends():
        pytest.fail(f"the test left {left} PjBackend(s) running")


@pytest.fixture
async def pair(lab: Lab) -> Lab:
    """alice and bob, direct-IP accounts on the backend's own UDP transport."""
    await lab.add("alice")
    await lab.add("bob")
    await lab.events.wait(lambda e: isinstance(e, RegistrationChanged) and e.account.id == "bob")
    return lab
