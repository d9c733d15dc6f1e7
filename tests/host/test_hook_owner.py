"""[[hooks]] run where the engine is owned: a serving front end (TUI, shell, daemon)
starts the runner; a one-shot command's private engine and an attached client do not."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tests.host.test_claim import until
from tuiphone.config.schema import AppConfig
from tuiphone.engine.fake import FakeBackend
from tuiphone.engine.feed import EventFeed
from tuiphone.engine.phone import Phone
from tuiphone.engine.setup import EngineSetup
from tuiphone.host.claim import Role
from tuiphone.host.session import EngineHost
from tuiphone.model.account import AccountConfig
from tuiphone.model.call import CallState
from tuiphone.model.events import CallChanged
from tuiphone.model.hooks import Hook, HookEvent

ME = AccountConfig(id="local", uri="sip:me@127.0.0.1")


def config(out: Path) -> AppConfig:
    touch = f"import sys; open({str(out)!r}, 'a').write(sys.argv[1] + '\\n')"
    return AppConfig(accounts=(ME,), hooks=(
        Hook(HookEvent.CALL_ENDED, (sys.executable, "-c", touch, "{call_id}")),))


def host(role: Role, cfg: AppConfig) -> EngineHost:
    return EngineHost(role, lambda: cfg,
                      build=lambda _c: Phone(EngineSetup(accounts=(ME,)), FakeBackend()))


@pytest.mark.parametrize(("role", "runs"), [(Role.FRONT_END, True), (Role.DAEMON, True),
                                            (Role.COMMAND, False)])
async def test_the_owner_runs_hooks_once(tmp_path: Path, role: Role, runs: bool) -> None:
    out = tmp_path / "ended"
    owner = host(role, config(out))
    phone = await owner.open()
    try:
        assert (owner.hooks is not None) is runs
        client = host(Role.COMMAND, config(out)) if role.serves else None
        if client is not None:
            await client.open()
            assert client.hooks is None
            assert client.remote is not None  # attached
            await client.release()
        async with EventFeed(phone) as feed:
            info = await phone.call("sip:busy@example.com")  # the fake says 486
            await feed.until(lambda e: e if isinstance(e, CallChanged) and
                             e.call.state is CallState.ENDED else None, 10)
        if owner.hooks is not None:
            await until(out.exists)  # the hook's own process writes it
            await owner.hooks.settled()
    finally:
        await owner.release()
    assert owner.hooks is None  # stopped with the engine
    lines = out.read_text().splitlines() if out.exists() else []
    assert lines == ([info.id] if runs else [])
