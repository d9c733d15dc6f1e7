"""``tuiphone shell``: attach to the running engine or own one, then run the REPL."""

from __future__ import annotations

import argparse
import asyncio

from prompt_toolkit import PromptSession
from prompt_toolkit.history import FileHistory

from tuiphone.commands.exitcodes import exit_code
from tuiphone.commands.output import print_error
from tuiphone.config.paths import ensure_dir, state_dir
from tuiphone.engine.api import PhoneApi
from tuiphone.host.claim import Role
from tuiphone.host.oneshot import config_for
from tuiphone.host.session import hosted
from tuiphone.model.errors import TuiphoneError
from tuiphone.shell.completer import CommandCompleter
from tuiphone.shell.contacts import vdir_contacts
from tuiphone.shell.repl import repl

HISTORY_NAME = "shell_history"


def session_for(phone: PhoneApi, config_path: str | None) -> PromptSession[str]:
    history = ensure_dir(state_dir()) / HISTORY_NAME
    completer = CommandCompleter(phone, vdir_contacts(config_path))
    return PromptSession(history=FileHistory(str(history)), completer=completer,
                         complete_while_typing=False)


async def _main(ns: argparse.Namespace) -> int:
    try:
        # the running engine, or a new one this shell owns and serves to others
        async with hosted(Role.FRONT_END, lambda: config_for(ns), app="shell") as phone:
            session = session_for(phone, getattr(ns, "config", None))
            return await repl(phone, session, bool(getattr(ns, "json", False)))
    except TuiphoneError as err:
        print_error(err)
        return exit_code(err)


def run_shell(ns: argparse.Namespace) -> int:
    return asyncio.run(_main(ns))
