"""``tuiphone load`` capacity against SIPp, same UAS, same run. JSON lines.

Usage: python bench/load_bench.py [--calls 200] [--concurrent 8] [--duration 0]
                                  [--start 25] [--max 2000] [--bisect 3] [--keep]

One SIPp UAS (built-in ``uas``, RTP echo) on 127.0.0.1 answers both callers:

  load_calls_per_s      the highest offered rate at which --calls calls all complete
                        (ASR 100 %) and the callers keep up (calls started per second,
                        first to last, at least 90 % of the offered rate); searched by
                        doubling from --start, then --bisect bisection steps. Value:
                        ``tuiphone load --concurrent C --duration D``; baseline: a SIPp
                        UAC (``-sn uac -l C -d D``) against the same UAS.
  load_cpu_per_call_ms  CPU time per call at that rate, read with getrusage from here
                        (the caller process and everything it ran, workers included).
                        Value: the marginal cost, (CPU of --calls calls - CPU of
                        --calls/4 calls) / (3/4 --calls), both at the best rate with the
                        same workers, so starting the workers cancels out; ``gross`` is
                        the best trial's CPU / --calls. Baseline: SIPp's gross figure.

SIPp is searched first, then tuiphone, against the one UAS; on a shared machine run it
twice and compare. Every process is stopped by PID at the end.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.lab import procs  # noqa: E402

KEEP_UP = 0.9  # started/offered rate a side must reach for a rate to count


@dataclass
class Trial:
    side: str
    rate: float
    ok: bool
    answered: int
    achieved: float | None
    cpu_s: float
    note: str = ""
    workers: int | None = None  # tuiphone's worker engines


def log(msg: str) -> None:
    print(f"load_bench: {msg}", file=sys.stderr, flush=True)


def emit(row: dict[str, object]) -> None:
    print(json.dumps(row), flush=True)


def children_cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(argv: list[str], cwd: Path, env: dict[str, str] | None, timeout_s: float
          ) -> tuple[subprocess.CompletedProcess[str], float]:
    """Run ``argv`` to its end; its CPU time (and its children's) from getrusage."""
    before = children_cpu_s()
    proc = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=timeout_s, start_new_session=True)
    return proc, children_cpu_s() - before


class Bench:
    def __init__(self, args: argparse.Namespace, work: Path) -> None:
        self.args, self.work = args, work
        self.sipp = shutil.which("sipp") or "/usr/bin/sipp"
        self.uas: subprocess.Popen[bytes] | None = None
        self.uas_port = procs.free_port()
        self.env = self._env()
        self.n = 0

    def _env(self) -> dict[str, str]:
        env = dict(os.environ, PYTHONPATH=str(ROOT))
        env.pop("TUIPHONE_BACKEND", None)
        env.pop("TUIPHONE_CONFIG", None)
        for var in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
            path = self.work / "xdg" / var.lower()
            path.mkdir(parents=True, exist_ok=True)
            env[var] = str(path)
        run = self.work / "run"
        run.mkdir(mode=0o700, exist_ok=True)
        env["XDG_RUNTIME_DIR"] = str(run)
        return env

    def start_uas(self) -> None:
        argv = [self.sipp, "-sn", "uas", "-i", "127.0.0.1", "-p", str(self.uas_port),
                "-mi", "127.0.0.1", "-mp", str(procs.free_port()), "-rtp_echo", "-nostdin",
                "-max_socket", "4096"]
        self.uas = procs.spawn(argv, self.work / "uas.log", cwd=self.work)
        procs.wait_udp_bound(self.uas_port, self.uas, 20)
        log(f"SIPp UAS pid {self.uas.pid} on 127.0.0.1:{self.uas_port}")

    def stop(self) -> None:
        if self.uas is not None:
            procs.stop(self.uas)

    def _dir(self, side: str, rate: float) -> Path:
        self.n += 1
        path = self.work / f"{self.n:03d}-{side}-{rate:g}"
        path.mkdir()
        return path

    def sipp_trial(self, rate: float) -> Trial:
        a = self.args
        here = self._dir("sipp", rate)
        argv = [self.sipp, "-sn", "uac", f"127.0.0.1:{self.uas_port}", "-s", "svc",
                "-i", "127.0.0.1", "-p", str(procs.free_port()), "-r", f"{rate:g}",
                "-l", str(a.concurrent), "-m", str(a.calls), "-d", str(int(a.duration * 1000)),
                "-nostdin", "-trace_rtt", "-rtt_freq", "1", "-timeout", "300s",
                "-timeout_error", "-trace_stat", "-stf", str(here / "stat.csv")]
        proc, cpu = timed(argv, here, None, 400)
        (here / "sipp.log").write_text(proc.stdout + proc.stderr)
        answered = _sipp_successes(here / "stat.csv")
        achieved = _rate(_sipp_answer_times(here))
        ok = proc.returncode == 0 and answered == a.calls and _kept_up(achieved, rate)
        return Trial("sipp", rate, ok, answered, achieved, cpu, f"rc {proc.returncode}")

    def tuiphone_trial(self, rate: float, calls: int | None = None) -> Trial:
        a = self.args
        calls = calls or a.calls
        here = self._dir("tuiphone", rate)
        argv = [sys.executable, "-m", "tuiphone.cli.main", "load",
                f"sip:svc@127.0.0.1:{self.uas_port}", "--calls", str(calls), "--rate",
                f"{rate:g}", "--concurrent", str(a.concurrent), "--duration", str(a.duration),
                "--timeout", "10", "--json", "--csv", str(here / "calls.csv")]
        proc, cpu = timed(argv, ROOT, self.env, 400)
        (here / "stderr.log").write_text(proc.stderr)
        try:
            doc = json.loads(proc.stdout)
        except ValueError:
            return Trial("tuiphone", rate, False, 0, None, cpu, f"rc {proc.returncode}")
        achieved = doc["rate_achieved"]
        ok = proc.returncode == 0 and doc["answered"] == calls and _kept_up(achieved, rate)
        return Trial("tuiphone", rate, ok, doc["answered"], achieved, cpu,
                     _failures(doc["failed"]), doc["plan"]["workers"])


def _failures(failed: dict[str, int]) -> str:
    return "; ".join(f"{n}x {cause[:120]}" for cause, n in failed.items())


def _kept_up(achieved: float | None, rate: float) -> bool:
    return achieved is not None and achieved >= KEEP_UP * rate


def _sipp_successes(stat: Path) -> int:
    if not stat.exists():
        return 0
    rows = list(csv.DictReader(stat.read_text().splitlines(), delimiter=";"))
    return int(rows[-1].get("SuccessfulCall(C)") or 0) if rows else 0


def _sipp_answer_times(here: Path) -> list[float]:
    """When each call got its 200 (ms), from SIPp's ``-trace_rtt`` file."""
    times: list[float] = []
    for path in here.glob("*_rtt.csv"):
        for row in csv.reader(path.read_text().splitlines(), delimiter=";"):
            with contextlib.suppress(ValueError, IndexError):
                times.append(float(row[0]) / 1000)
    return sorted(times)


def _rate(times: list[float]) -> float | None:
    if len(times) < 2 or times[-1] <= times[0]:
        return None
    return round((len(times) - 1) / (times[-1] - times[0]), 2)


def search(trial: Callable[[float], Trial], start: float, most: float, steps: int,
           log_to: list[Trial]) -> Trial | None:
    """The best passing trial: double from ``start`` until a rate fails, then bisect."""
    best, failed_at, rate = None, None, start
    while rate <= most:
        result = trial(rate)
        log_to.append(result)
        log(f"{result.side} {rate:g}/s: {'ok' if result.ok else 'FAIL'} answered "
            f"{result.answered} started {result.achieved}/s cpu {result.cpu_s:.2f}s "
            f"{result.note}")
        if not result.ok:
            failed_at = rate
            break
        best, rate = result, rate * 2
    for _ in range(steps if best is not None and failed_at is not None else 0):
        assert best is not None
        assert failed_at is not None
        mid = round((best.rate + failed_at) / 2)
        if mid in (best.rate, failed_at):
            break
        result = trial(mid)
        log_to.append(result)
        log(f"{result.side} {mid:g}/s: {'ok' if result.ok else 'FAIL'} answered "
            f"{result.answered} started {result.achieved}/s {result.note}")
        if result.ok:
            best = result
        else:
            failed_at = mid
    return best


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--calls", type=int, default=200)
    ap.add_argument("--concurrent", type=int, default=8)
    ap.add_argument("--duration", type=float, default=0.0, help="call hold time, s")
    ap.add_argument("--start", type=float, default=25.0, help="first rate tried, calls/s")
    ap.add_argument("--max", type=float, default=2000.0, help="highest rate tried")
    ap.add_argument("--bisect", type=int, default=3, help="bisection steps after doubling")
    ap.add_argument("--keep", action="store_true", help="keep the work dir (logs, CSVs)")
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="load_bench-"))
    bench = Bench(args, work)
    trials: list[Trial] = []
    try:
        bench.start_uas()
        sipp = search(bench.sipp_trial, args.start, args.max, args.bisect, trials)
        ours = search(bench.tuiphone_trial, args.start, args.max, args.bisect, trials)
        few = bench.tuiphone_trial(ours.rate, calls=args.calls // 4) if ours else None
        if few is not None:
            log(f"tuiphone {args.calls // 4} calls at {few.rate:g}/s: cpu {few.cpu_s:.2f}s "
                f"({few.workers} workers)")
        report(args, sipp, ours, few, trials)
    finally:
        bench.stop()
        if args.keep:
            log(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    return 0


def report(args: argparse.Namespace, sipp: Trial | None, ours: Trial | None,
           few: Trial | None, trials: list[Trial]) -> None:
    value = ours.rate if ours else 0.0
    base = sipp.rate if sipp else None
    shape = {"calls": args.calls, "concurrent": args.concurrent, "duration_s": args.duration,
             "workers": ours.workers if ours else None}
    emit({"name": "load_calls_per_s", "value": value, "unit": "calls/s", "baseline": base,
          "target": ">= 0.5x baseline", "ratio": round(value / base, 3) if base else None,
          **shape, "started_per_s": ours.achieved if ours else None,
          "baseline_started_per_s": sipp.achieved if sipp else None,
          "method": "highest offered rate with ASR 100 % and >= 90 % of it started; doubling "
                    "then bisection; baseline SIPp uac against the same SIPp uas",
          "trials": [asdict(t) for t in trials]})
    if ours is None or sipp is None or few is None:
        return
    gross = 1000 * ours.cpu_s / args.calls
    marginal = 1000 * (ours.cpu_s - few.cpu_s) / (args.calls - args.calls // 4)
    emit({"name": "load_cpu_per_call_ms", "value": round(marginal, 2), "unit": "ms",
          "baseline": round(1000 * sipp.cpu_s / args.calls, 3),
          "gross": round(gross, 2), "few_calls_cpu_s": round(few.cpu_s, 3),
          "at_rate": ours.rate, "baseline_at_rate": sipp.rate, **shape,
          "method": "getrusage of the caller and its children; value: (CPU of --calls calls "
                    "- CPU of --calls/4 calls) per extra call at the best rate, so worker "
                    "start-up cancels out; gross: best trial CPU / --calls; baseline: SIPp "
                    "uac gross"})


if __name__ == "__main__":
    sys.exit(main())
