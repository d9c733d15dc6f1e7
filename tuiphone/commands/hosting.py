"""Which engine a front end talks to: attach to a running one, or start one.

* ``attach``: a ``RemotePhone`` on the control socket, or None.
* ``private_engine``: a short-lived in-process engine with no socket (one-shot commands).
* ``owned_engine``: an in-process engine that serves the control socket (daemon, shell).
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
from collections.abc import AsyncIterator
from pathlib import Path
from typing import TYPE_CHECKING, cast

from tuiphone.commands.errors import NoEngine
from tuiphone.commands.spec import Command
from tuiphone.control.paths import socket_path

if TYPE_CHECKING:  # the rest is imported when used: one-shot commands start fast
    from tuiphone.config import AppConfig
    from tuiphone.control import RemotePhone
    from tuiphone.engine.api import PhoneApi


async def attach(path: Path | None = None) -> RemotePhone | None:
    path = path or socket_path()
    if not path.exists():  # what connecting would find out (EngineNotRunning), sooner
        return None
    from tuiphone.control import EngineNotRunning, RemotePhone

    try:
        return await RemotePhone.connect(path)
    except EngineNotRunning:
        return None


def config_for(ns: argparse.Namespace) -> AppConfig:
    """Load the config, applying per-invocation overrides. Raises ConfigError."""
    from tuiphone.config.loader import load_config
    from tuiphone.model.account import SrtpMode

    config = load_config(getattr(ns, "config", None))
    srtp = getattr(ns, "srtp", None)
    if srtp is not None:
        # pjsua2 sets SRTP per account, so a private engine gets an account copy
        wanted = getattr(ns, "account", None) or config.accounts[0].id
        accounts = tuple(
            dataclasses.replace(a, srtp=SrtpMode(srtp)) if a.id == wanted else a
            for a in config.accounts
        )
        config = dataclasses.replace(config, accounts=accounts)
        ns.srtp = None
    return config


@contextlib.asynccontextmanager
async def private_engine(config: AppConfig) -> AsyncIterator[PhoneApi]:
    from tuiphone.host.build import build_phone

    phone = build_phone(config)
    await phone.start()
    try:
        yield phone
    finally:
        await phone.stop()


@contextlib.asynccontextmanager
async def owned_engine(config: AppConfig, path: Path | None = None) -> AsyncIterator[PhoneApi]:
    """Start an engine and serve it. Raises UsageError if one already runs."""
    from tuiphone.commands.socket_run import socket_requests
    from tuiphone.control import ControlServer
    from tuiphone.control.stale import claim_socket_path
    from tuiphone.host.build import build_phone

    path = path or socket_path()
    await claim_socket_path(path)  # fail before the SIP stack binds its ports
    phone = build_phone(config, long_lived=True)
    await phone.start()
    server = ControlServer(phone, path, extra=socket_requests(phone))
    try:
        await server.start()
        yield phone
    finally:
        await server.close()
        await phone.stop()


@contextlib.asynccontextmanager
async def engine_for(command: Command, ns: argparse.Namespace) -> AsyncIterator[PhoneApi]:
    """The engine a one-shot command runs on. Raises NoEngine (exit 6), ConfigError.
    A ``local`` command gets no engine at all (its handler must not use ``phone``)."""
    if command.local:
        yield cast("PhoneApi", None)
        return
    remote = await attach()
    if remote is not None:
        try:
            yield remote
        finally:
            await remote.close()
        return
    if command.running:
        raise NoEngine(f"'{command.name}' needs a running engine; start one with "
                       "'tuiphone daemon' or the TUI")
    config = config_for(ns)
    if config.engine.echo_line and not needs_echo(command, ns):
        config = dataclasses.replace(
            config, engine=dataclasses.replace(config.engine, echo_line=False))
    async with private_engine(config) as phone:
        yield phone


def needs_echo(command: Command, ns: argparse.Namespace) -> bool:
    """Whether a one-shot command's private engine needs the built-in echo line: the
    command shows it, or an argument names it (``call echo``, ``ping sip:echo@...``).
    Skipping it saves a pjsua2 account and its transport set-up on every run."""
    if command.echo:
        return True
    for value in vars(ns).values():
        words = value if isinstance(value, list | tuple) else [value]
        if any(isinstance(w, str) and "echo" in w.lower() for w in words):
            return True
    return False
