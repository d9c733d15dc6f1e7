"""What a load run was asked to do, checked once before anything starts."""

from __future__ import annotations

import argparse
import math
import os
from dataclasses import dataclass

from tuiphone.model.errors import UsageError

CALLS_PER_WORKER = 4  # PJSUA_MAX_CALLS of the wheel: one engine, four calls
MAX_CONCURRENT = 200  # 50 worker processes; past that a 2-core machine measures itself


@dataclass(frozen=True, slots=True)
class LoadPlan:
    uri: str
    calls: int = 10
    rate: float = 1.0  # calls started per second
    concurrent: int = 4
    duration_s: float = 2.0  # connected time of each call
    timeout_s: float = 30.0  # for each call's final response
    play: str | None = None  # absolute path of a WAV file
    accounts: tuple[str, ...] = ()  # () is the config's first account
    csv: str | None = None
    min_asr: float | None = None  # percent
    min_mos: float | None = None
    config: str | None = None
    json: bool = False

    @property
    def workers(self) -> int:
        return math.ceil(min(self.concurrent, self.calls) / CALLS_PER_WORKER)

    def account_for(self, n: int) -> str | None:
        """Call ``n`` (from 1) uses the accounts in turn."""
        return self.accounts[(n - 1) % len(self.accounts)] if self.accounts else None


def plan_from(ns: argparse.Namespace) -> LoadPlan:
    """The plan of a parsed ``tuiphone load`` command line. Raises UsageError."""
    given = getattr(ns, "account", None)  # a list, or one ID given before the command
    accounts: list[str] = given if isinstance(given, list) else [given] if given else []
    plan = LoadPlan(
        uri=ns.uri, calls=ns.calls, rate=ns.rate, concurrent=ns.concurrent,
        duration_s=ns.duration, timeout_s=ns.timeout, play=_wav(ns.play),
        accounts=tuple(accounts), csv=ns.csv, min_asr=ns.min_asr, min_mos=ns.min_mos,
        config=getattr(ns, "config", None), json=bool(getattr(ns, "json", False)),
    )
    _check(plan)
    return plan


def _check(plan: LoadPlan) -> None:
    problems = [
        (plan.calls < 1, "--calls must be at least 1"),
        (not plan.rate > 0, "--rate must be above 0 calls per second"),
        (not 1 <= plan.concurrent <= MAX_CONCURRENT,
         f"--concurrent must be 1-{MAX_CONCURRENT}"),
        (plan.duration_s < 0, "--duration must not be negative"),
        (not plan.timeout_s > 0, "--timeout must be above 0"),
        (plan.min_asr is not None and not 0 <= plan.min_asr <= 100,
         "--min-asr is a percentage, 0-100"),
        (plan.min_mos is not None and not 1 <= plan.min_mos <= 5, "--min-mos must be 1-5"),
    ]
    for bad, message in problems:
        if bad:
            raise UsageError(message)


def _wav(path: str | None) -> str | None:
    """The absolute path of --play (workers run elsewhere). Raises UsageError."""
    if path is None:
        return None
    if not os.access(path, os.R_OK) or os.path.isdir(path):
        raise UsageError(f"--play {path}: no such readable file")
    return os.path.abspath(path)
