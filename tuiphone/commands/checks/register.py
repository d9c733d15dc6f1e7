"""register, unregister: REGISTER with its timing and the number of auth challenges."""

from __future__ import annotations

import argparse
import time
from typing import Any

from tuiphone.commands.checks.regtrace import exchange
from tuiphone.commands.util import account_state, opt
from tuiphone.engine.api import PhoneApi
from tuiphone.engine.feed import EventFeed
from tuiphone.engine.registration import failure_error
from tuiphone.model.account import AccountState, RegState
from tuiphone.model.errors import Timeout, TuiphoneError
from tuiphone.model.events import Event, RegistrationChanged

_FINAL = (RegState.REGISTERED, RegState.FAILED, RegState.UNREGISTERED)


async def register(phone: PhoneApi, args: argparse.Namespace) -> dict[str, Any]:
    """``_register``, then the --junit and --jsonl reports of it (passed or failed)."""
    started = time.time()
    try:
        result = await _register(phone, args)
    except TuiphoneError as err:
        _reports(phone, args, started, err, None)
        raise
    _reports(phone, args, started, None, result)
    return result


def _reports(phone: PhoneApi, args: argparse.Namespace, started: float,
             err: TuiphoneError | None, result: dict[str, Any] | None) -> None:
    junit, lines = opt(args, "junit"), opt(args, "jsonl")
    if not junit and not lines:
        return
    from tuiphone.commands.calls import jsonl  # the reports' modules, only when asked for
    from tuiphone.commands.calls.junit import write_junit

    account = result["account"] if result else opt(args, "account") or \
        phone.state().default_account
    ended = time.time()
    if junit:
        write_junit(junit, f"register {account}", err, result, classname="tuiphone.register",
                    seconds=ended - started)
    if lines:
        code = result["status_code"] if result else getattr(err, "code", 0)
        fields = {"from": account, "to": account, "expected_cause_code": 200,
                  "cause_code": code or 0,
                  "reason": result["reason"] if result else str(err),
                  "duration": round(ended - started, 3)}
        jsonl.append(lines, [jsonl.Action("register", f"register {account}", started, ended,
                                          err is None, fields,
                                          [] if err is None else [str(err)])])


async def _register(phone: PhoneApi, args: argparse.Namespace) -> dict[str, Any]:
    """Send REGISTER and wait for the final answer. An engine that is registering right
    now (one just started for this command) is not asked twice: its answer is reported,
    and the trace is read from its start. Raises SipError, Timeout, NetworkError."""
    started_wall, started = time.time(), time.monotonic()
    async with EventFeed(phone) as feed:
        current = account_state(phone, opt(args, "account"))
        if current.reg_state is RegState.REGISTERING:
            state = await _final(feed, current.id, args.timeout)
            started_wall = 0.0
            if state.reg_state is not RegState.REGISTERED:
                raise failure_error(state)
        else:
            state = await phone.register(current.id, args.timeout)
    elapsed_ms = round((time.monotonic() - started) * 1000, 1)
    seen = exchange(await phone.trace(), started_wall)
    return {
        "account": state.id, "state": state.reg_state.value,
        "status_code": state.code, "reason": state.reason, "expires": state.expires,
        "time_ms": seen.time_ms if seen.time_ms is not None else elapsed_ms,
        "auth_challenges": seen.challenges,
    }


async def _final(feed: EventFeed, account_id: str, timeout_s: float | None) -> AccountState:
    def final(event: Event) -> AccountState | None:
        if (isinstance(event, RegistrationChanged) and event.account.id == account_id
                and event.account.reg_state in _FINAL):
            return event.account
        return None

    state = await feed.until(final, timeout_s, late=f"registering {account_id}: no final answer")
    if state is None:
        raise Timeout(f"{account_id}: the engine stopped")
    return state


async def unregister(phone: PhoneApi, args: argparse.Namespace) -> dict[str, Any]:
    state = await phone.unregister(opt(args, "account"))
    return {"account": state.id, "state": state.reg_state.value,
            "status_code": state.code, "reason": state.reason}
