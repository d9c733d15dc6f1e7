"""secrets list / set / rm: the encrypted store behind ``password_store = true``.

Runs in the command's own process and needs the user's terminal (the command line or
``tuiphone shell``, never the TUI's ':' line or the control socket): the value is read
from standard input when it is not a terminal, else asked twice without echo; the
store's passphrase comes from ``$TUIPHONE_PASSPHRASE`` or is asked the same way (twice
when the store is new). No value is ever printed.
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import os
import sys
from typing import Any

from tuiphone.commands.errors import ExpectationFailed
from tuiphone.commands.util import opt
from tuiphone.config.secret_store import PASSPHRASE_ENV, SecretStore
from tuiphone.config.secrets import SecretError
from tuiphone.engine.api import PhoneApi
from tuiphone.model.errors import UsageError


async def secrets(phone: PhoneApi, args: argparse.Namespace) -> Any:
    """``phone`` is unused: a local command."""
    return await asyncio.to_thread(_ACTIONS[args.action], args)


def _list(args: argparse.Namespace) -> list[dict[str, Any]]:
    """Each stored name, and each name the config wants from the store."""
    stored = set(SecretStore().names())
    wanted = _wanted(args)
    return [{"name": name, "stored": name in stored, "used_by_config": name in wanted}
            for name in sorted(stored | wanted)]


def _wanted(args: argparse.Namespace) -> set[str]:
    """Names the config reads from the store; none when there is no usable config."""
    from tuiphone.config import load_config
    from tuiphone.config.schema import SecretKind

    try:
        config = load_config(opt(args, "config"))
    except Exception:  # noqa: BLE001 - listing the store must work with a broken config
        return set()
    specs = [*config.secrets.values(), *(b.secret for b in config.contacts.carddav)]
    return {s.name for s in specs if s is not None and s.kind is SecretKind.STORE}


def _set(args: argparse.Namespace) -> dict[str, Any]:
    name = _name(args)
    store = SecretStore()
    value = _value(name)
    store.set(name, value, _passphrase(confirm=not store.path.exists()))
    return {"name": name, "stored": True, "store": str(store.path)}


def _rm(args: argparse.Namespace) -> dict[str, Any]:
    name = _name(args)
    store = SecretStore()
    if name not in store.names():
        raise ExpectationFailed(f"{name}: not in the secret store {store.path}")
    store.delete(name, _passphrase(confirm=False))
    return {"name": name, "stored": False}


_ACTIONS = {"list": _list, "set": _set, "rm": _rm}


def _name(args: argparse.Namespace) -> str:
    if not args.name:
        raise UsageError(f"secrets {args.action}: which secret? e.g. 'secrets {args.action} "
                         "work' (an account id, carddav:<id> or turn:<id>)")
    return str(args.name)


def _value(name: str) -> str:
    """The secret from standard input (one line) or asked twice on the terminal."""
    if not sys.stdin.isatty():
        value = sys.stdin.readline().rstrip("\r\n")
    else:
        value = _ask_twice(f"Password for {name}: ")
    if not value:
        raise UsageError(f"{name}: an empty password is not stored")
    return value


def _passphrase(confirm: bool) -> str:
    passphrase = os.environ.get(PASSPHRASE_ENV, "")
    if passphrase:
        return passphrase
    if not _has_tty():
        raise SecretError(f"the secret store needs a passphrase: set {PASSPHRASE_ENV} "
                          "or run on a terminal")
    prompt = "Passphrase for the tuiphone secret store: "
    passphrase = _ask_twice(prompt) if confirm else getpass.getpass(prompt)
    if not passphrase:
        raise UsageError("an empty passphrase would not protect the store")
    return passphrase


def _ask_twice(prompt: str) -> str:
    first = getpass.getpass(prompt)
    if getpass.getpass("Again: ") != first:
        raise UsageError("the two entries differ; nothing was stored")
    return first


def _has_tty() -> bool:
    """Whether getpass can ask (it reads /dev/tty, also when stdin is a pipe)."""
    try:
        fd = os.open("/dev/tty", os.O_RDWR | os.O_NOCTTY | os.O_CLOEXEC)
    except OSError:
        return False
    os.close(fd)
    return True
