"""``tuiphone shell``: attach to the running engine or own one, then run the REPL."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
from collections.abc import AsyncIterator

from prompt_toolkit import PromptSession
from prompt_toolkit.history import FileHistory

from tuiphone.commands.exitcodes import exit_code
from tuiphone.commands.hosting import attach, config_for, owned_engine
from tuiphone.commands.output import print_error
from tuiphone.config.paths import ensure_dir, state_dir
from tuiphone.engine.api import PhoneApi
from tuiphone.model.errors import TuiphoneError
from tuiphone.shell.completer import CommandCompleter
from tuiphone.shell.contacts import vdir_contacts
from tuiphone.shell.repl import repl

HISTORY_NAME = "shell_history"


@contextlib.asynccontextmanager
async def shell_engine(ns: argparse.Namespace) -> AsyncIterator[PhoneApi]:
    """The running engine, or a new one this shell owns and serves to others."""
    remote = await attach()
    if remote is not None:
        try:
            yield remote
        finally:
            await remote.close()
        return
    async with owned_engine(config_for(ns)) as phone:
        yield phone


def session_for(phone: PhoneApi, config_path: str | None) -> PromptSession[str]:
    history = ensure_dir(state_dir()) / HISTORY_NAME
    completer = CommandCompleter(phone, vdir_contacts(config_path))
    return PromptSession(history=FileHistory(str(history)), completer=completer,
                         complete_while_typing=False)


async def _main(ns: argparse.Namespace) -> int:
    try:
        async with shell_engine(ns) as phone:
            session = session_for(phone, getattr(ns, "config", None))
            return await repl(phone, session, bool(getattr(ns, "json", False)))
    except TuiphoneError as err:
        print_error(err)
        return exit_code(err)


def run_shell(ns: argparse.Namespace) -> int:
    return asyncio.run(_main(ns))
