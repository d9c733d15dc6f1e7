"""Hosting decides once, under a lock: never two engines of one user at the same time."""

from __future__ import annotations

import asyncio
import json
import sys
import threading
import time
from collections.abc import Callable

import pytest

from tests.cli.conftest import ROOT, cli_env
from tuiphone.config.schema import AppConfig
from tuiphone.control.errors import EngineNotRunning
from tuiphone.control.paths import socket_path
from tuiphone.engine.fake import FakeBackend
from tuiphone.engine.phone import Phone
from tuiphone.engine.setup import EngineSetup
from tuiphone.host.claim import ENGINE_LOCK, START_LOCK, EngineBusy, Role
from tuiphone.host.lock import try_lock, unlock
from tuiphone.host.session import EngineHost
from tuiphone.model.account import AccountConfig
from tuiphone.model.errors import ConfigError, UsageError

ME = AccountConfig(id="local", uri="sip:me@127.0.0.1")
CONFIG = AppConfig(accounts=(ME,))


class GatedBackend(FakeBackend):
    """A FakeBackend whose start waits for ``go``: an engine caught while starting."""

    def __init__(self, go: asyncio.Event, log: list[str], name: str) -> None:
        super().__init__()
        self.go, self.log, self.name = go, log, name
        self.entered = asyncio.Event()

    async def start(self, settings, emit) -> None:  # type: ignore[no-untyped-def]
        self.entered.set()
        await self.go.wait()
        self.log.append(f"{self.name} start")
        await super().start(settings, emit)

    async def stop(self) -> None:
        self.log.append(f"{self.name} stop")
        await super().stop()


def host(role: Role, backend: FakeBackend, **kw: float) -> EngineHost:
    return EngineHost(role, lambda: CONFIG,
                      build=lambda _c: Phone(EngineSetup(accounts=(ME,)), backend), **kw)


async def until(predicate: Callable[[], bool], timeout_s: float = 30.0) -> None:
    """A bounded wait for a condition set by another thread or process."""
    deadline = time.monotonic() + timeout_s
    while not predicate():
        assert time.monotonic() < deadline, "condition never became true"
        await asyncio.sleep(0.01)


def waiting_for(name: str) -> bool:
    """Whether a thread of this process is blocked taking this test's lock ``name``."""
    lock = socket_path().parent / name
    return any(t.name == f"flock {lock}" for t in threading.enumerate())


def queued(path) -> int:
    """Connections waiting in the listen queue of the Unix socket at ``path``."""
    with open("/proc/net/unix", encoding="ascii") as table:
        return sum(1 for line in table if line.rstrip().endswith(f" {path}")) - 1


async def test_a_second_private_engine_waits_until_the_first_has_stopped():
    log: list[str] = []
    go = asyncio.Event()
    go.set()
    first = host(Role.COMMAND, GatedBackend(go, log, "first"))
    await first.open()
    second = host(Role.COMMAND, GatedBackend(go, log, "second"))
    opening = asyncio.ensure_future(second.open())
    await until(lambda: waiting_for(START_LOCK))  # blocked: the first engine has no socket
    assert not opening.done()
    await first.release()
    phone = await asyncio.wait_for(opening, 30)
    assert phone.remote is False
    await second.release()
    assert log == ["first start", "first stop", "second start", "second stop"]


async def test_a_command_started_while_an_engine_starts_attaches_to_it():
    """The NAT race: 'tuiphone daemon &' then at once 'tuiphone status'."""
    log: list[str] = []
    go = asyncio.Event()
    backend = GatedBackend(go, log, "daemon")
    daemon = host(Role.DAEMON, backend)
    starting = asyncio.ensure_future(daemon.open())
    await asyncio.wait_for(backend.entered.wait(), 30)  # socket bound, engine not started
    command = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "tuiphone.cli.main", "status", "--json", env=cli_env(),
        cwd=ROOT, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    try:
        await until(lambda: queued(socket_path()) > 0)  # it decided while we were starting
        assert not starting.done()
        go.set()
        await asyncio.wait_for(starting, 30)
        out, err = await asyncio.wait_for(command.communicate(), 60)
    finally:
        if command.returncode is None:
            command.kill()
        await daemon.release()
    assert command.returncode == 0, err
    assert json.loads(out)["engine"] == "attached"
    assert log == ["daemon start", "daemon stop"]


async def test_a_front_end_attaches_to_the_engine_that_owns_the_lock():
    go = asyncio.Event()
    go.set()
    daemon = host(Role.DAEMON, GatedBackend(go, [], "daemon"))
    await daemon.open()
    try:
        front = host(Role.FRONT_END, GatedBackend(go, [], "tui"))
        phone = await front.open()
        assert phone.remote is True
        await front.release()
        with pytest.raises(UsageError, match="already running"):
            await host(Role.DAEMON, GatedBackend(go, [], "second")).open()
    finally:
        await daemon.release()
    assert not socket_path().exists()


async def test_a_command_waiting_for_a_busy_engine_gives_up_and_names_it():
    go = asyncio.Event()
    go.set()
    private = host(Role.COMMAND, GatedBackend(go, [], "call"))
    await private.open()
    try:
        with pytest.raises(EngineBusy, match=r"pid \d+, command"):
            await host(Role.COMMAND, GatedBackend(go, [], "status"), wait_s=0.2).open()
        with pytest.raises(EngineNotRunning, match="private"):  # never waits: it could not attach
            await host(Role.RUNNING, GatedBackend(go, [], "answer")).open()
    finally:
        await private.release()


async def test_a_daemon_waits_for_a_private_engine_then_owns():
    log: list[str] = []
    go = asyncio.Event()
    go.set()
    private = host(Role.COMMAND, GatedBackend(go, log, "command"))
    await private.open()
    daemon = host(Role.DAEMON, GatedBackend(go, log, "daemon"))
    opening = asyncio.ensure_future(daemon.open())
    await until(lambda: waiting_for(START_LOCK))
    await private.release()
    await asyncio.wait_for(opening, 30)
    assert socket_path().is_socket()
    await daemon.release()
    assert log == ["command start", "command stop", "daemon start", "daemon stop"]


async def test_the_locks_are_free_once_released_even_after_a_failed_start():
    class Broken(FakeBackend):
        async def start(self, settings, emit) -> None:  # type: ignore[no-untyped-def]
            raise ConfigError(["no"])

    with pytest.raises(ConfigError):
        await host(Role.DAEMON, Broken()).open()
    assert not socket_path().exists()
    for name in (ENGINE_LOCK, START_LOCK):
        fd = try_lock(socket_path().parent / name)
        assert fd is not None, name
        unlock(fd)


async def test_a_running_command_finds_no_engine_at_once():
    with pytest.raises(EngineNotRunning, match="no engine"):
        await host(Role.RUNNING, FakeBackend()).open()


async def test_without_a_usable_runtime_dir_commands_run_unlocked_and_the_daemon_fails():
    socket_path().parent.parent.mkdir(parents=True, exist_ok=True)
    socket_path().parent.write_text("not a directory")
    command = host(Role.COMMAND, FakeBackend())
    assert (await command.open()).remote is False
    await command.release()
    with pytest.raises(ConfigError, match="not a directory"):
        await host(Role.DAEMON, FakeBackend()).open()


async def test_a_listener_that_serves_nothing_is_not_waited_for_forever():
    """Something accepts on the socket path and hangs up at once: bounded, then an error."""
    socket_path().parent.mkdir(mode=0o700, parents=True, exist_ok=True)

    async def hang_up(_reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.close()

    server = await asyncio.start_unix_server(hang_up, path=str(socket_path()))
    try:
        with pytest.raises(EngineBusy, match="serves nothing"):
            await host(Role.COMMAND, FakeBackend(), wait_s=0.3).open()
    finally:
        server.close()
