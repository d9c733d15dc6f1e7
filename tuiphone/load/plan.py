"""What a load run was asked to do, checked once before anything starts."""

from __future__ import annotations

import argparse
import math
import os
from dataclasses import dataclass

from tuiphone.model.errors import UsageError

CALLS_PER_WORKER = 4  # PJSUA_MAX_CALLS of the wheel: one engine, four calls
# An engine has 64 sockets (PJ_IOQUEUE_MAX_HANDLES; RTP shares the SIP ioqueue), a call
# takes two (RTP, RTCP), and a closed socket is only free again 500 ms later
# (PJ_IOQUEUE_KEY_FREE_DELAY). At about 55 call starts a second one engine runs out and
# pjlib aborts the process (an assertion, measured with a SIPp UAS), so each worker
# starts at most this many calls a second and a higher --rate gets more workers.
RATE_PER_WORKER = 30.0
MAX_WORKERS = 50  # past that a 2-core machine measures itself
MAX_CONCURRENT = MAX_WORKERS * CALLS_PER_WORKER
MAX_RATE = MAX_WORKERS * RATE_PER_WORKER


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
    csv_stats: str | None = None
    csv_interval_s: float = 1.0
    junit: str | None = None
    jsonl: str | None = None
    min_asr: float | None = None  # percent
    min_mos: float | None = None
    config: str | None = None
    json: bool = False

    @property
    def workers(self) -> int:
        """Four calls up and RATE_PER_WORKER starts a second per worker; never more
        workers than the calls need."""
        by_calls = math.ceil(min(self.concurrent, self.calls) / CALLS_PER_WORKER)
        by_rate = math.ceil(self.rate / RATE_PER_WORKER)
        return max(1, min(max(by_calls, by_rate), self.calls, MAX_WORKERS))

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
        csv_stats=getattr(ns, "csv_stats", None),
        csv_interval_s=getattr(ns, "csv_interval", 1.0),
        junit=getattr(ns, "junit", None), jsonl=getattr(ns, "jsonl", None),
        config=getattr(ns, "config", None), json=bool(getattr(ns, "json", False)),
    )
    _check(plan)
    return plan


def _check(plan: LoadPlan) -> None:
    problems = [
        (plan.calls < 1, "--calls must be at least 1"),
        (not plan.rate > 0, "--rate must be above 0 calls per second"),
        (plan.rate > MAX_RATE, f"--rate must be at most {MAX_RATE:g} calls per second "
                               f"({MAX_WORKERS} worker engines of {RATE_PER_WORKER:g})"),
        (not 1 <= plan.concurrent <= MAX_CONCURRENT,
         f"--concurrent must be 1-{MAX_CONCURRENT}"),
        (plan.duration_s < 0, "--duration must not be negative"),
        (not plan.timeout_s > 0, "--timeout must be above 0"),
        (plan.min_asr is not None and not 0 <= plan.min_asr <= 100,
         "--min-asr is a percentage, 0-100"),
        (plan.min_mos is not None and not 1 <= plan.min_mos <= 5, "--min-mos must be 1-5"),
        (not plan.csv_interval_s > 0, "--csv-interval must be above 0 seconds"),
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
