"""The engine of one load worker: the user's config, shaped for placing test calls.

Shaped how: only the named accounts, each on ephemeral ports (two workers must never
fight over a ``local_port``), with every privacy feature off (no BLF, presence or MWI
subscriptions) and, for an account with a registrar, no REGISTER (see the package
docstring); no echo line, no address books, history kept in memory, no SIP trace
file, null audio (``--play`` feeds calls explicitly).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence

from tuiphone.config.schema import AppConfig
from tuiphone.engine.phone import Phone
from tuiphone.engine.setup import EngineSetup
from tuiphone.host.build import default_backend, engine_setup
from tuiphone.load.wire import AccountUse
from tuiphone.model.account import AccountConfig, Features
from tuiphone.model.backend import MediaSettings
from tuiphone.model.errors import ConfigError, UsageError


def chosen_accounts(config: AppConfig, ids: Sequence[str]) -> tuple[AccountConfig, ...]:
    """The accounts named by ``ids`` (the config's first when none). Raises UsageError
    for an unknown id, ConfigError when no account is configured."""
    if not config.accounts:
        raise ConfigError(["no account is configured"])
    if not ids:
        return (config.accounts[0],)
    known = {a.id: a for a in config.accounts}
    missing = [i for i in ids if i not in known]
    if missing:
        raise UsageError(f"no account {missing[0]!r} (known: {', '.join(known)})")
    return tuple(known[i] for i in dict.fromkeys(ids))


def authenticates(account: AccountConfig) -> bool:
    """Whether the account answers digest challenges (so it needs its password)."""
    return account.registers or account.username is not None


def outbound(account: AccountConfig) -> AccountConfig:
    """``account`` as a worker uses it (see the module docstring)."""
    shaped = dataclasses.replace(account, local_port=0, features=Features(), auto_answer=False)
    if not account.registers:
        return shaped
    assert account.registrar is not None
    return dataclasses.replace(shaped, registrar=None,
                               proxy=account.proxy or (account.registrar,),
                               username=account.username or _user(account.uri))


def account_use(account: AccountConfig) -> AccountUse:
    return AccountUse(account.id, "outbound-only" if account.registers else "direct")


def worker_setup(config: AppConfig, accounts: Sequence[AccountConfig],
                 passwords: Mapping[str, str]) -> EngineSetup:
    base = engine_setup(config)
    backend = dataclasses.replace(base.backend, media=MediaSettings())
    return dataclasses.replace(
        base, accounts=tuple(outbound(a) for a in accounts), passwords=dict(passwords).get,
        backend=backend, echo_line=False, db_path=None, trace_file=None, quickdial=(),
        trace_size=50)


def worker_phone(config: AppConfig, accounts: Sequence[AccountConfig],
                 passwords: Mapping[str, str]) -> Phone:
    """A Phone ready to ``start()`` (pjsua2, or the fake SIP world with
    TUIPHONE_BACKEND=fake)."""
    return Phone(worker_setup(config, accounts, passwords), default_backend())


def _user(uri: str) -> str | None:
    """'alice' of 'sip:alice@host' (None without a user part)."""
    rest = uri.strip().strip("<>").split(":", 1)[-1]
    user = rest.split("@", 1)[0] if "@" in rest else ""
    return user or None
