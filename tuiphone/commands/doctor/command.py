"""``tuiphone doctor``: every check in order, then one report and the worst exit status.

The checks that need no engine run first, before one is opened: starting an engine
would repair the runtime directory's mode, and a config that does not load cannot
start one. ``args.open_engine`` (set by a one-shot run, see ``Command.opens``) opens a
private engine or attaches to the running one; from the shell or the TUI the front
end's own engine is used and never registered a second time.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from typing import Any

from tuiphone.commands import exitcodes
from tuiphone.commands.doctor import local, machine, netpath, sipcheck, stun, tlscheck
from tuiphone.commands.doctor.report import Finding, fail, failure, ok, render
from tuiphone.commands.errors import with_result
from tuiphone.commands.exitcodes import exit_code
from tuiphone.commands.output import Verbatim
from tuiphone.commands.util import opt
from tuiphone.config.schema import AppConfig
from tuiphone.control.paths import socket_path
from tuiphone.engine.api import PhoneApi
from tuiphone.model.account import AccountConfig
from tuiphone.model.errors import TuiphoneError, UsageError

Opener = Callable[[], AbstractAsyncContextManager[PhoneApi]]
DEFAULT_TIMEOUT_S = 5.0


@dataclass
class _Plan:
    """What the engine checks need from the ones before them."""

    config: AppConfig | None = None
    account: AccountConfig | None = None
    reachable: bool = False  # DNS and route found a way to the registrar
    found: list[Finding] = field(default_factory=list)


async def doctor(phone: PhoneApi | None, args: argparse.Namespace) -> Any:
    """The report (a list of {check, status, detail, fix} with --json, else text lines).
    Raises, carrying the report, the error of the worst failure (see report.exit_status)."""
    timeout_s = opt(args, "timeout") or DEFAULT_TIMEOUT_S
    if timeout_s <= 0:
        raise UsageError("doctor: --timeout must be more than 0")
    plan = await asyncio.to_thread(_before_engine, args)
    socket_check = machine.control_socket(socket_path())
    audio_mode = None
    if plan.account is not None and plan.account.registers and plan.reachable:
        audio_mode = await _engine_checks(phone, args, plan, timeout_s)
    if plan.config is not None:
        plan.found.append(machine.audio(plan.config.audio, audio_mode))
    plan.found += [machine.terminal(), socket_check]
    report: Any = [f.as_row() for f in plan.found] if opt(args, "json") \
        else Verbatim(render(plan.found))
    err = failure(plan.found)
    if err is not None:
        raise with_result(err, report)
    return report


def _before_engine(args: argparse.Namespace) -> _Plan:
    """Checks of this machine and of the path to the registrar (blocking: DNS, TLS)."""
    plan = _Plan(found=[local.python_version(), local.wheel_version()])
    plan.config, found = local.load(opt(args, "config"))
    plan.found += found
    if plan.config is None:
        return plan
    plan.account = local.pick_account(plan.config, opt(args, "account"))
    if plan.account is None:
        known = ", ".join(a.id for a in plan.config.accounts) or "none"
        plan.found.append(fail("account", f"no account {opt(args, 'account')!r} "
                               f"(known: {known})", "name one of them with --account",
                               exitcodes.USAGE))
        return plan
    plan.found.append(local.secrets(plan.config, plan.account))
    _network(plan, plan.config, plan.account)
    return plan


def _network(plan: _Plan, config: AppConfig, account: AccountConfig) -> None:
    if account.registrar is None:
        plan.found.append(ok("registrar", f"{account.id}: none (direct IP account): "
                                          "no DNS, OPTIONS or REGISTER to check"))
    else:
        hops, found = netpath.dns(account, account.registrar, config.engine.nameservers)
        plan.found.append(found)
        if hops:
            route = netpath.route(hops[0], config.engine.bind_address)
            plan.found += [route, tlscheck.tls(account, hops[0])]
            plan.reachable = route.code == 0
    plan.found.append(stun.stun(config.engine.stun_servers))


async def _engine_checks(phone: PhoneApi | None, args: argparse.Namespace, plan: _Plan,
                         timeout_s: float) -> str | None:
    """OPTIONS, REGISTER and the clock; the engine's audio mode (None without an engine)."""
    assert plan.account is not None
    assert plan.account.registrar is not None
    account, registrar = plan.account, plan.account.registrar
    try:
        async with _engine(phone, opt(args, "open_engine")) as (engine, private):
            found = await asyncio.gather(
                sipcheck.options(engine, account, registrar, timeout_s),
                sipcheck.register(engine, account, private, timeout_s))
            plan.found += [*found, sipcheck.clock(await engine.trace())]
            return engine.state().audio_mode
    except TuiphoneError as err:
        plan.found.append(fail("engine", f"could not start or reach an engine: {err}",
                               "see the message; 'tuiphone status' shows the engine",
                               exit_code(err)))
        return None


@contextlib.asynccontextmanager
async def _engine(phone: PhoneApi | None, opener: Opener | None
                  ) -> AsyncIterator[tuple[PhoneApi, bool]]:
    """The engine and whether it is private to this run (then REGISTER may be sent)."""
    if opener is None:
        if phone is None:
            raise TuiphoneError("no engine to check with")
        yield phone, False
        return
    async with opener() as opened:
        yield opened, not opened.remote
