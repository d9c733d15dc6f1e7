"""``tuiphone daemon``: the engine with no UI, serving the control socket.

SIGTERM and SIGINT stop it cleanly (unregister, hang up); SIGHUP is ignored so
calls and registration survive the terminal or SSH session that started it. Under
systemd (``Type=notify``) it says READY once every registering account has an answer
(registered or failed), keeps STATUS on each account's registration, feeds the
watchdog, and says STOPPING on the way out.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import signal
import sys
from typing import TYPE_CHECKING

from tuiphone.cli.systemd import Notifier, setup_logging, status_line, unit_text
from tuiphone.commands.exitcodes import exit_code
from tuiphone.commands.output import print_error
from tuiphone.engine.api import PhoneApi
from tuiphone.engine.feed import EventFeed
from tuiphone.host.claim import Role
from tuiphone.host.oneshot import config_for
from tuiphone.host.session import EngineHost
from tuiphone.model.account import RegState
from tuiphone.model.errors import Timeout, TuiphoneError
from tuiphone.model.events import Event, IncomingCall, RegistrationChanged

if TYPE_CHECKING:
    from tuiphone.config.schema import AppConfig

log = logging.getLogger("tuiphone.daemon")
READY_WAIT_S = 20.0  # READY even if a registrar never answers: the socket serves already
_SETTLED = (RegState.REGISTERED, RegState.FAILED, RegState.NONE, RegState.UNREGISTERED)


async def serve(ns: argparse.Namespace) -> int:
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    loop.add_signal_handler(signal.SIGHUP, lambda: None)
    notifier = Notifier()
    loaded: list[AppConfig] = []

    def config() -> AppConfig:
        loaded.append(config_for(ns))
        return loaded[-1]

    host = EngineHost(Role.DAEMON, config)
    try:
        phone = await host.open()
    except TuiphoneError as err:
        notifier.send(f"STATUS=failed: {err}")
        print_error(err)
        return exit_code(err)
    watchers = [asyncio.ensure_future(_report(phone, notifier))]
    on_incoming = loaded[-1].daemon.on_incoming if loaded else ()
    if on_incoming:
        watchers.append(asyncio.ensure_future(_on_incoming(phone, on_incoming)))
    if notifier.watchdog_s:
        watchers.append(asyncio.ensure_future(_watchdog(notifier, notifier.watchdog_s)))
    try:
        print(f"tuiphone daemon: pid {os.getpid()}, control socket {host.path}",
              file=sys.stderr, flush=True)
        await stop.wait()
    finally:
        notifier.send("STOPPING=1", "STATUS=stopping: unregistering, hanging up")
        for task in watchers:
            task.cancel()
        await asyncio.gather(*watchers, return_exceptions=True)
        await host.release()
    return 0


async def _report(phone: PhoneApi, notifier: Notifier) -> None:
    """READY once every account has settled (or after READY_WAIT_S: the socket serves
    already), then STATUS at each registration change."""

    def settled() -> bool:
        return all(a.reg_state in _SETTLED for a in phone.state().accounts)

    def status() -> str:
        return f"STATUS={status_line(phone.state().accounts)}"

    def registration(event: Event) -> Event | None:
        return event if isinstance(event, RegistrationChanged) else None

    async with EventFeed(phone) as feed:
        if not settled():
            with contextlib.suppress(Timeout):
                await feed.until(lambda e: True if registration(e) and settled() else None,
                                 READY_WAIT_S)
        notifier.send("READY=1", status())
        while await feed.until(registration, None) is not None:
            notifier.send(status())


async def _on_incoming(phone: PhoneApi, argv: tuple[str, ...]) -> None:
    """``[daemon] on_incoming``: the command with the caller's URI, name and the account
    id appended, for each call that rings (a rule's screened calls never do); never
    through a shell, never waited for by the engine."""
    running: set[asyncio.Task[None]] = set()
    async for event in phone.events():
        if isinstance(event, IncomingCall):
            call = event.call
            task = asyncio.ensure_future(
                _run_command([*argv, call.remote_uri, call.remote_name, call.account_id]))
            running.add(task)
            task.add_done_callback(running.discard)


async def _run_command(argv: list[str]) -> None:
    try:
        proc = await asyncio.create_subprocess_exec(
            *argv, stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.PIPE)
        _, err = await proc.communicate()
    except OSError as error:
        log.warning("[daemon] on_incoming: %s: %s", argv[0], error)
        return
    if proc.returncode:
        tail = err.decode(errors="replace").strip().splitlines()[-1:] or [""]
        log.warning("[daemon] on_incoming: %s exited %s %s", argv[0], proc.returncode, tail[0])


async def _watchdog(notifier: Notifier, every_s: float) -> None:
    """WATCHDOG=1 while the engine answers: a stuck pjsua thread stops the pings."""
    while True:
        notifier.send("WATCHDOG=1")
        await asyncio.sleep(every_s)


def run_daemon(ns: argparse.Namespace) -> int:
    if getattr(ns, "print_unit", False):
        sys.stdout.write(unit_text(getattr(ns, "config", None)))
        return 0
    setup_logging()
    return asyncio.run(serve(ns))
