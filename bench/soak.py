"""The soak (``make soak``, not in CI): one registered engine under a steady trickle.

A ``tuiphone daemon`` (real pjsua2) registers to a lab Kamailio, watches 50 BLF lamps
there and auto-answers; SIPp calls it directly once every 2 s (1 s calls) and a second
SIPp sends it a SIP MESSAGE every 2 s. Every 5 s this samples the daemon's RSS, CPU
time, open file descriptors and threads from /proc.

JSON lines on stdout: soak_rss_growth_mb (after the warm-up: the first minute, or half
the run when shorter), soak_cpu_pct (mean over the same span), soak_fd_growth,
soak_thread_growth (idle before the traffic to idle after it), and soak_traffic (calls
and MESSAGEs that got their 200, MESSAGEs the engine kept, lamps still up). Exit 1 when
a limit is broken: RSS growth >= 5 MB, any fd or thread growth, a call or MESSAGE
failed or not kept, a lamp lost, or a daemon that does not exit 0 on SIGTERM.

``--tracemalloc`` runs the daemon under tracemalloc (bench/soak_trace.py; it costs CPU
and memory of its own) and prints, at the end, the allocation sites whose live memory
grew most from the end of the warm-up to the end of the traffic.

Usage: SOAK_MINUTES=10 python bench/soak.py [--minutes M] [--keep] [--tracemalloc]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.lab import procs  # noqa: E402
from tests.lab.kamailio import USERS, Kamailio  # noqa: E402

LAMPS = 50
EVERY_S = 2.0  # one call and one MESSAGE this often
SAMPLE_S = 5.0
RSS_LIMIT_MB = 5.0
PAGE = os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class Sample:
    t: float  # s since the traffic started
    rss_kb: int
    cpu_s: float
    fds: int
    threads: int


def log(msg: str) -> None:
    print(f"soak: {msg}", file=sys.stderr, flush=True)


def emit(row: dict[str, object]) -> None:
    print(json.dumps(row), flush=True)


def sample(pid: int, t: float) -> Sample:
    status = Path(f"/proc/{pid}/status").read_text()
    rss = next(int(line.split()[1]) for line in status.splitlines()
               if line.startswith("VmRSS:"))
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    cpu = (int(fields[11]) + int(fields[12])) / PAGE  # utime, stime
    return Sample(round(t, 1), rss, cpu, len(os.listdir(f"/proc/{pid}/fd")),
                  len(os.listdir(f"/proc/{pid}/task")))


class Soak:
    def __init__(self, work: Path, minutes: float, trace: bool = False) -> None:
        self.work, self.minutes, self.trace = work, minutes, trace
        self.snapshots = 0
        self.sipp = shutil.which("sipp") or "/usr/bin/sipp"
        self.kam: Kamailio | None = None
        self.daemon: subprocess.Popen[bytes] | None = None
        self.callers: list[subprocess.Popen[bytes]] = []
        self.port = procs.free_port()
        self.env = self._env()

    def _env(self) -> dict[str, str]:
        env = dict(os.environ, PYTHONPATH=str(ROOT), SOAK_PASSWORD=USERS["alice"])
        for var in ("TUIPHONE_BACKEND", "TUIPHONE_CONFIG"):
            env.pop(var, None)
        for var in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
            path = self.work / "xdg" / var.lower()
            path.mkdir(parents=True, exist_ok=True)
            env[var] = str(path)
        run = self.work / "run"
        run.mkdir(mode=0o700, exist_ok=True)
        env["XDG_RUNTIME_DIR"] = str(run)
        return env

    def lamp_uris(self) -> list[str]:
        assert self.kam is not None
        return [self.kam.aor(f"lamp{i:02d}") for i in range(1, LAMPS + 1)]

    def config(self) -> Path:
        assert self.kam is not None
        lines = ["[engine]", "echo_line = false", "[audio]", 'mode = "null"',
                 "[[accounts]]", 'id = "soak"', f'uri = "{self.kam.aor("alice")}"',
                 f'registrar = "{self.kam.registrar_uri}"', 'username = "alice"',
                 'password_env = "SOAK_PASSWORD"', 'transport = "udp"',
                 f"local_port = {self.port}", "auto_answer = true",
                 "[accounts.features]", "blf = true",
                 # SIPp calls from loopback, not through the registrar: let it in
                 "[accounts.trust]", 'accept_from = ["registrar", "127.0.0.1"]']
        for i, uri in enumerate(self.lamp_uris(), 1):
            lines += ["[[quickdial]]", f'label = "lamp{i:02d}"', f'uri = "{uri}"', "blf = true"]
        path = self.work / "config.toml"
        path.write_text("\n".join(lines) + "\n")
        return path

    def tuiphone(self, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "tuiphone.cli.main", *args],
                              env=self.env, cwd=ROOT, capture_output=True, text=True,
                              timeout=timeout)

    def start(self) -> None:
        self.kam = Kamailio.launch(shutil.which("kamailio") or "/usr/sbin/kamailio",
                                   self.work / "kamailio")
        self.env["TUIPHONE_CONFIG"] = str(self.config())
        program = [str(ROOT / "bench/soak_trace.py")] if self.trace else [
            "-m", "tuiphone.cli.main"]
        if self.trace:
            self.env["SOAK_TRACE_DIR"] = str(self.work)
        self.daemon = procs.spawn([sys.executable, *program, "daemon"],
                                  self.work / "daemon.log", cwd=ROOT, env=self.env)
        done = self.tuiphone("wait", "registered", "--timeout", "30")
        if done.returncode != 0:
            raise RuntimeError(f"not registered: {done.stderr.strip()}\n"
                               f"{procs.tail(self.work / 'daemon.log')}")
        for uri in self.lamp_uris():
            lit = self.tuiphone("wait", "lamp", uri, "idle", "--timeout", "30")
            if lit.returncode != 0:
                raise RuntimeError(f"lamp {uri} never idle: {lit.stderr.strip()}")
        log(f"daemon pid {self.daemon.pid} registered on 127.0.0.1:{self.port}, "
            f"{LAMPS} lamps idle")

    def start_traffic(self) -> None:
        count = str(int(self.minutes * 60 / EVERY_S))
        common = [f"127.0.0.1:{self.port}", "-s", "alice", "-i", "127.0.0.1", "-r", "1",
                  "-rp", str(int(EVERY_S * 1000)), "-m", count, "-nostdin",
                  "-timeout_error", "-timeout", f"{self.minutes * 60 + 120:.0f}s",
                  "-trace_stat", "-fd", "5"]
        for name, scenario in (("calls", ["-sn", "uac", "-d", "1000"]),
                               ("messages", ["-sf", str(ROOT / "bench/soak_message.xml")])):
            argv = [self.sipp, *scenario, *common, "-p", str(procs.free_port()),
                    "-stf", str(self.work / f"{name}_stat.csv")]
            self.callers.append(procs.spawn(argv, self.work / f"{name}.log", cwd=self.work))

    def run(self) -> list[Sample]:
        assert self.daemon is not None
        t0 = time.monotonic()
        self.start_traffic()
        samples = [sample(self.daemon.pid, 0.0)]
        end = t0 + self.minutes * 60
        warm_at = t0 + min(60.0, self.minutes * 30)
        while time.monotonic() < end:
            time.sleep(min(SAMPLE_S, max(0.0, end - time.monotonic())))  # a sampling clock
            samples.append(sample(self.daemon.pid, time.monotonic() - t0))
            if self.trace and self.snapshots == 0 and time.monotonic() >= warm_at:
                self.snapshot()
            if self.daemon.poll() is not None:
                raise RuntimeError(f"daemon died: {procs.tail(self.work / 'daemon.log')}")
        for caller in self.callers:  # their last call or MESSAGE is at most 2 s away
            caller.wait(60)
        samples.append(self.settled(samples[0], t0))
        if self.trace:
            self.snapshot()
        return samples

    def settled(self, idle: Sample, t0: float) -> Sample:
        """The daemon once idle again: the last call's sound clock stops a moment after
        the call (pjsua frees its ports on the clock's next ticks), so a sample taken at
        once counts its threads. Waits up to 10 s for fds and threads to be back at the
        idle start; a real leak never is, and the last sample then shows it."""
        assert self.daemon is not None
        deadline = time.monotonic() + 10
        while True:
            now = sample(self.daemon.pid, time.monotonic() - t0)
            back = now.fds <= idle.fds and now.threads <= idle.threads
            if back or time.monotonic() >= deadline:
                return now
            time.sleep(0.2)  # polling /proc with a deadline, not a synchronisation

    def snapshot(self) -> None:
        """Ask the traced daemon for a tracemalloc snapshot and wait for it (bounded)."""
        assert self.daemon is not None
        self.snapshots += 1
        self.daemon.send_signal(signal.SIGUSR2)
        done = self.work / f"snap{self.snapshots}.done"
        deadline = time.monotonic() + 120
        while not done.exists():  # a file another process writes; bounded poll
            if time.monotonic() > deadline:
                raise RuntimeError("the daemon wrote no tracemalloc snapshot")
            time.sleep(0.2)

    def growth_sites(self, top: int = 15) -> None:
        """Print the allocation sites that grew most between the two snapshots."""
        import tracemalloc

        first = tracemalloc.Snapshot.load(str(self.work / "snap1.tm"))
        last = tracemalloc.Snapshot.load(str(self.work / "snap2.tm"))
        keep = [tracemalloc.Filter(False, tracemalloc.__file__)]
        diff = last.filter_traces(keep).compare_to(first.filter_traces(keep), "lineno")
        total = sum(d.size_diff for d in diff) / 1024
        log(f"tracemalloc: Python heap {total:+.0f} kB from the warm-up to the end")
        for stat in diff[:top]:
            log(f"  {stat.size_diff / 1024:+8.1f} kB {stat.count_diff:+6d} blocks  "
                f"{stat.traceback[0]}")

    def counts(self, name: str) -> tuple[int, int]:
        """(successful, failed) of one SIPp, from the last row of its -trace_stat CSV."""
        path = self.work / f"{name}_stat.csv"
        rows = list(csv.DictReader(path.read_text().splitlines(), delimiter=";")) \
            if path.exists() else []
        last = rows[-1] if rows else {}
        return (int(last.get("SuccessfulCall(C)") or 0), int(last.get("FailedCall(C)") or 0))

    def messages_kept(self) -> int:
        """MESSAGEs the engine stored (it keeps every one in its history)."""
        got = self.tuiphone("messages", "--limit", "100000", "--json")
        return len(json.loads(got.stdout)) if got.returncode == 0 else -1

    def lamps_up(self) -> int:
        got = self.tuiphone("lamps", "--json")
        if got.returncode != 0:
            return 0
        lamps = json.loads(got.stdout)
        return sum(1 for lamp in lamps if lamp.get("state") not in ("unknown", "failed"))

    def stop_daemon(self) -> int | None:
        if self.daemon is None or self.daemon.poll() is not None:
            return None if self.daemon is None else self.daemon.returncode
        self.daemon.send_signal(signal.SIGTERM)
        try:
            return self.daemon.wait(30)
        except subprocess.TimeoutExpired:
            return None

    def close(self) -> None:
        for proc in [*self.callers, *([self.daemon] if self.daemon else [])]:
            procs.stop(proc)
        if self.kam is not None:
            self.kam.stop()


@dataclass(frozen=True)
class Seen:
    """What the daemon itself shows at the end, read before it stops."""

    lamps_up: int
    messages_kept: int


def report(samples: list[Sample], soak: Soak, seen: Seen, exit_code: int | None) -> bool:
    """Emit the figures; True when every limit holds. RSS and CPU are taken from the end
    of the warm-up; fds and threads from before the traffic (both ends idle: a call up
    holds sockets and the sound clock's thread)."""
    total = samples[-1].t
    warm = next(s for s in samples if s.t >= min(60.0, total / 2))
    last = samples[-1]
    growth_mb = (last.rss_kb - warm.rss_kb) / 1024
    span = last.t - warm.t
    cpu_pct = 100 * (last.cpu_s - warm.cpu_s) / span if span > 0 else 0.0
    calls, calls_failed = soak.counts("calls")
    messages, messages_failed = soak.counts("messages")
    shape = {"minutes": soak.minutes, "warmup_s": warm.t, "lamps": LAMPS,
             "every_s": EVERY_S}
    emit({"name": "soak_rss_growth_mb", "value": round(growth_mb, 2), "unit": "MB",
          "target": f"< {RSS_LIMIT_MB:g}", "rss_start_mb": round(samples[0].rss_kb / 1024, 1),
          "rss_warm_mb": round(warm.rss_kb / 1024, 1), "rss_end_mb": round(last.rss_kb / 1024, 1),
          "rss_max_mb": round(max(s.rss_kb for s in samples) / 1024, 1), **shape})
    emit({"name": "soak_cpu_pct", "value": round(cpu_pct, 2), "unit": "% of one core",
          **shape})
    first = samples[0]
    emit({"name": "soak_fd_growth", "value": last.fds - first.fds, "unit": "fds",
          "fds_start": first.fds, "fds_end": last.fds,
          "fds_max": max(s.fds for s in samples), **shape})
    emit({"name": "soak_thread_growth", "value": last.threads - first.threads,
          "unit": "threads", "threads_start": first.threads, "threads_end": last.threads,
          "threads_max": max(s.threads for s in samples), **shape})
    expected = int(soak.minutes * 60 / EVERY_S)
    emit({"name": "soak_traffic", "value": calls + messages, "unit": "requests",
          "calls_ok": calls, "calls_failed": calls_failed, "messages_ok": messages,
          "messages_failed": messages_failed, "messages_kept": seen.messages_kept,
          "expected_each": expected, "lamps_up": seen.lamps_up, "daemon_exit": exit_code,
          **shape})
    return (growth_mb < RSS_LIMIT_MB and last.fds <= first.fds
            and last.threads <= first.threads and calls == messages == expected
            and seen.messages_kept == expected and calls_failed == messages_failed == 0
            and seen.lamps_up == LAMPS and exit_code == 0)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--minutes", type=float,
                    default=float(os.environ.get("SOAK_MINUTES") or 10))
    ap.add_argument("--keep", action="store_true", help="keep the work dir (logs)")
    ap.add_argument("--tracemalloc", action="store_true",
                    help="trace the daemon's Python allocations; print where memory grew")
    args = ap.parse_args()
    if not args.minutes > 0:
        print("soak: --minutes (SOAK_MINUTES) must be above 0", file=sys.stderr)
        return 2
    work = Path(tempfile.mkdtemp(prefix="soak-"))
    soak = Soak(work, args.minutes, args.tracemalloc)
    try:
        soak.start()
        log(f"traffic for {args.minutes:g} min: a call and a MESSAGE every {EVERY_S:g} s")
        samples = soak.run()
        seen = Seen(soak.lamps_up(), soak.messages_kept())
        ok = report(samples, soak, seen, soak.stop_daemon())
        if args.tracemalloc:
            soak.growth_sites()
    except RuntimeError as err:
        log(f"FAILED: {err}")
        return 1
    finally:
        soak.close()
        if args.keep:
            log(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
