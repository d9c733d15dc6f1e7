"""register, unregister: REGISTER with its timing and the number of auth challenges."""

from __future__ import annotations

import argparse
import time
from typing import Any

from tuiphone.commands.spec import TIMEOUT, Command
from tuiphone.commands.util import opt
from tuiphone.engine.api import PhoneApi
from tuiphone.model.trace import TraceEntry


def is_challenge(entry: TraceEntry) -> bool:
    """A 401/407 answer to a REGISTER that we received."""
    first = entry.first_line.split()
    if entry.direction != "rx" or len(first) < 2 or first[1] not in ("401", "407"):
        return False
    return any(
        line.lower().startswith(("cseq:",)) and "REGISTER" in line.upper()
        for line in entry.text.splitlines()
    )


async def register(phone: PhoneApi, args: argparse.Namespace) -> dict[str, Any]:
    started_wall, started = time.time(), time.monotonic()
    state = await phone.register(opt(args, "account"), args.timeout)
    elapsed_ms = (time.monotonic() - started) * 1000
    trace = await phone.trace()
    challenges = sum(1 for e in trace if e.timestamp >= started_wall and is_challenge(e))
    return {
        "account": state.id,
        "state": state.reg_state.value,
        "status_code": state.code,
        "reason": state.reason,
        "expires": state.expires,
        "time_ms": round(elapsed_ms, 1),
        "auth_challenges": challenges,
    }


async def unregister(phone: PhoneApi, args: argparse.Namespace) -> dict[str, Any]:
    state = await phone.unregister(opt(args, "account"))
    return {"account": state.id, "state": state.reg_state.value,
            "status_code": state.code, "reason": state.reason}


COMMANDS = (
    Command("register", "send REGISTER and wait for the final answer", register,
            args=(TIMEOUT,), aliases=("reg",),
            details="Prints status code, reason, expiry, time to the final response and\n"
                    "the number of 401/407 challenges seen in the SIP trace."),
    Command("unregister", "remove the registration (REGISTER with Expires: 0)", unregister,
            aliases=("unreg",)),
)
