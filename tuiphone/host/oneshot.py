"""The engine of one command line (``tuiphone COMMAND``, ``tuiphone run FILE``).

A command attaches to the running engine; with none, it starts a private one (no
socket) that lives as long as the command, holding the engine lock like any other.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, cast

from tuiphone.commands.errors import NoEngine
from tuiphone.commands.spec import Command
from tuiphone.control.errors import EngineNotRunning
from tuiphone.host.claim import Role
from tuiphone.host.session import EngineHost, hosted

if TYPE_CHECKING:  # the rest is imported when used: one-shot commands start fast
    from tuiphone.config import AppConfig
    from tuiphone.engine.api import PhoneApi


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
async def engine_for(command: Command, ns: argparse.Namespace) -> AsyncIterator[PhoneApi]:
    """The engine a one-shot command runs on. Raises NoEngine (exit 6), ConfigError.
    A ``local`` command gets no engine at all (its handler must not use ``phone``), an
    ``opens`` one none yet but ``ns.open_engine`` to open it (attach, or a private one)."""
    if command.is_local(ns):
        if command.logs:
            _install_log(ns)
        yield cast("PhoneApi", None)
        return
    if command.opens:
        ns.open_engine = lambda: hosted(Role.COMMAND, lambda: private_config(command, ns))
        yield cast("PhoneApi", None)
        return
    host = EngineHost(Role.RUNNING if command.running else Role.COMMAND,
                      lambda: private_config(command, ns))
    try:
        phone = await host.open()
    except EngineNotRunning as err:
        if type(err) is not EngineNotRunning:
            raise  # EngineBusy says more than the generic text below
        raise NoEngine(f"'{command.name}' needs a running engine; start one with "
                       "'tuiphone daemon' or the TUI") from None
    try:
        yield phone
    finally:
        await host.release()


@contextlib.asynccontextmanager
async def running_engine(ns: argparse.Namespace) -> AsyncIterator[PhoneApi | None]:
    """The running engine, attached; None when no engine runs (``open sip:…`` then
    starts the TUI instead). Raises EngineBusy (exit 6) for one that does not answer."""
    host = EngineHost(Role.RUNNING, lambda: config_for(ns))
    try:
        phone = await host.open()
    except EngineNotRunning as err:
        if type(err) is not EngineNotRunning:
            raise
        yield None
        return
    try:
        yield phone
    finally:
        await host.release()


def _install_log(ns: argparse.Namespace) -> None:
    """The application log for a local command that ``logs`` (at ``[log] level``)."""
    from tuiphone.config.loader import load_config
    from tuiphone.host.applog import install
    from tuiphone.model.errors import ConfigError

    try:
        install(load_config(getattr(ns, "config", None)).log)
    except ConfigError:
        return  # the command itself reports a broken config


def private_config(command: Command, ns: argparse.Namespace) -> AppConfig:
    """The config of a private engine: without the echo line unless the command uses it."""
    config = config_for(ns)
    if config.engine.echo_line and not needs_echo(command, ns):
        config = dataclasses.replace(
            config, engine=dataclasses.replace(config.engine, echo_line=False))
    return config


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

