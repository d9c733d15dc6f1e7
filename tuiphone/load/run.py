"""``tuiphone load``: start the workers, pace the calls, show progress, report, exit.

Exit status: 0, or 1 when a ``--min-asr``/``--min-mos`` check fails, 2 for usage and
config errors, the status a worker's engine failed with (5 for a network error), and
130 after Ctrl-C or SIGTERM. The first of those stops placing calls and has the workers
hang up the calls that are up (CANCEL or BYE), whose records still count; the report
is printed all the same. A second one kills the workers.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import signal
import sys
import time

from tuiphone.commands.exitcodes import EXPECTATION, OK, exit_code
from tuiphone.commands.output import print_error
from tuiphone.config.loader import load_config
from tuiphone.config.schema import AppConfig
from tuiphone.config.secrets import resolve_secret
from tuiphone.load import exports
from tuiphone.load.csvlog import CsvLog
from tuiphone.load.engine import authenticates, chosen_accounts
from tuiphone.load.plan import LoadPlan, plan_from
from tuiphone.load.pool import Pool, WorkerFailed, worker_argv
from tuiphone.load.progress import Progress, Tally
from tuiphone.load.report import Run, checks, document, text
from tuiphone.load.schedule import run_calls
from tuiphone.load.statlog import StatLog
from tuiphone.load.summary import summarize
from tuiphone.load.wire import CallRecord
from tuiphone.model.account import AccountConfig
from tuiphone.model.errors import TuiphoneError

INTERRUPTED = 130


class LoadRun:
    def __init__(self, plan: LoadPlan) -> None:
        self.plan = plan
        self.records: list[CallRecord] = []
        self.tally = Tally(plan.calls)
        self.stop = asyncio.Event()
        self.interrupts = 0
        self.pool: Pool | None = None
        self.csv: CsvLog | None = None
        self.stats: StatLog | None = None

    def interrupt(self) -> None:
        """Ctrl-C or SIGTERM: the first stops the run in order, the next kills it."""
        self.interrupts += 1
        self.stop.set()
        if self.pool is None:
            return
        if self.interrupts == 1:
            self.pool.stop_calls()
        else:
            self.pool.kill()

    def on_record(self, record: CallRecord) -> None:
        self.records.append(record)
        self.tally.on_record(record)
        if self.csv is not None:
            self.csv.write(record)

    async def run(self) -> int:
        """Raises TuiphoneError (WorkerFailed when an engine cannot start)."""
        config = load_config(self.plan.config)
        accounts = chosen_accounts(config, self.plan.accounts)
        passwords = await asyncio.to_thread(_passwords, config, accounts)
        self.csv = CsvLog.open(self.plan.csv) if self.plan.csv else None
        if self.plan.csv_stats:
            self.stats = StatLog.open(self.plan.csv_stats, self.tally, self.plan.csv_interval_s)
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, self.interrupt)
        started = time.monotonic()
        config_path = str(config.source) if config.source else None
        self.pool = pool = await Pool.spawn(self.plan.workers,
                                            worker_argv(config_path, self.plan.accounts),
                                            self.tally.on_state)
        try:
            ready = await pool.start(passwords)
            await self._calls(pool)
        finally:
            await pool.close()
            if self.csv is not None:
                self.csv.close()
            if self.stats is not None:
                await self.stats.close()
        return self._report(Run(time.monotonic() - started, self.interrupts > 0,
                                ready[0].accounts, _cpu_s()))

    async def _calls(self, pool: Pool) -> None:
        progress = Progress(self.tally, self.plan.json)
        progress.start()
        if self.stats is not None:
            self.stats.start()
        try:
            await run_calls(self.plan, pool, self.stop, self.tally.on_placed, self.on_record)
        finally:
            await progress.stop()

    def _report(self, run: Run) -> int:
        summary = summarize(self.records)
        results = checks(self.plan, summary)
        doc = document(self.plan, summary, self.records, run, results)
        if self.plan.junit:
            exports.write_junit(self.plan.junit, self.plan, self.records, results, doc)
        if self.plan.jsonl:
            exports.write_jsonl(self.plan.jsonl, self.plan, self.records)
        if self.plan.json:
            print(json.dumps(doc, indent=2, ensure_ascii=False), flush=True)
        else:
            sys.stdout.write(text(doc))
            sys.stdout.flush()
        for check in results:
            if not check.ok:
                print(f"tuiphone: {check.message}", file=sys.stderr)
        if run.interrupted:
            return INTERRUPTED
        return OK if all(c.ok for c in results) else EXPECTATION


def _passwords(config: AppConfig, accounts: tuple[AccountConfig, ...]) -> dict[str, str]:
    """Resolved here, once, where a terminal may be: workers get them over their pipe."""
    out = {}
    for account in accounts:
        secret = config.secrets.get(account.id)
        if authenticates(account) and secret is not None:
            password = resolve_secret(secret)
            if password is not None:
                out[account.id] = password
    return out


def _cpu_s() -> float:
    """CPU time of this process and of its finished children (the workers)."""
    total = 0.0
    for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN):
        usage = resource.getrusage(who)
        total += usage.ru_utime + usage.ru_stime
    return total


async def _main(plan: LoadPlan) -> int:
    try:
        return await LoadRun(plan).run()
    except WorkerFailed as err:
        print_error(err)
        return err.exit_code
    except TuiphoneError as err:
        print_error(err)
        return exit_code(err)


def run_load(ns: argparse.Namespace) -> int:
    try:
        plan = plan_from(ns)
    except TuiphoneError as err:
        print_error(err)
        return exit_code(err)
    try:
        return asyncio.run(_main(plan))
    except KeyboardInterrupt:
        return INTERRUPTED
