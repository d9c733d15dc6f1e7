"""Engine benchmarks against a real Kamailio, each side in its own process. JSON lines.

Usage: python bench/engine_bench.py [--window S] [--calls N]

Starts Kamailio (no auth) on free 127.0.0.1 ports in a temp dir, and a plain
pjsua2 callee "bob" (bench/baseline_pjsua2.py callee: auto-answers with 200,
G722 first, VAD off) that both callers dial. Then, for the tuiphone engine
(bench/engine_side.py: Phone over PjBackend) and for the plain pjsua2 baseline
(bench/baseline_pjsua2.py, lean settings), each in a fresh process:

  call_setup_ms   median makeCall/Phone.call() -> CONFIRMED/CallChanged CONNECTED,
                  --calls sequential calls (timed inside the caller process)
  idle_cpu_pct    registered, no call; CPU of the whole process over --window s,
                  read from outside (/proc/PID/task/*/schedstat); both sides run
                  at the same time so they share the machine's drift
  call_cpu_pct    one call to bob (G722/16000, VAD off, null audio); caller CPU over
                  --window s starting 0.5 s after CONFIRMED
  cmd_latency_ms  re-emitted from bench/sip_bench.py (run with --window 1)

Kamailio, the callee and every caller are stopped by PID at the end.
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.lab import procs  # noqa: E402
from tests.lab.kamailio import Kamailio  # noqa: E402

BENCH = ROOT / "bench"
ENGINE = BENCH / "engine_side.py"
BASELINE = BENCH / "baseline_pjsua2.py"


def log(msg: str) -> None:
    print(f"engine_bench: {msg}", file=sys.stderr, flush=True)


def emit(row: dict[str, object]) -> None:
    print(json.dumps(row), flush=True)


def cpu_ns(pid: int) -> int:
    """Run-time nanoseconds of every thread of ``pid`` (exited threads drop out)."""
    total = 0
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{tid}/schedstat") as f:
                total += int(f.read().split()[0])
        except OSError:
            continue
    return total


class Child:
    """A side process: markers and JSON on stdout (read by a thread), stderr to a log."""

    def __init__(self, name: str, argv: list[str], workdir: Path) -> None:
        self.name = name
        self.log_path = workdir / f"{name}.log"
        self._log = open(self.log_path, "wb")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(
            [sys.executable, *argv],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._log,
            text=True,
            start_new_session=True,
        )
        self.lines: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    @property
    def pid(self) -> int:
        return self.proc.pid

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.put(line.rstrip("\n"))
        self.lines.put(None)

    def expect(self, prefix: str, timeout_s: float = 30.0) -> str:
        """The next stdout line starting with ``prefix`` (others are skipped)."""
        end = time.monotonic() + timeout_s
        while True:
            try:
                line = self.lines.get(timeout=max(0.01, end - time.monotonic()))
            except queue.Empty:
                raise RuntimeError(f"{self.name}: no {prefix!r} in {timeout_s} s{self._tail()}")
            if line is None:
                raise RuntimeError(f"{self.name}: exited before {prefix!r}{self._tail()}")
            if line.startswith(prefix):
                return line

    def quit(self) -> None:
        """Ask for a clean shutdown ("quit" on stdin)."""
        if self.proc.poll() is None and self.proc.stdin is not None:
            try:
                self.proc.stdin.write("quit\n")
                self.proc.stdin.flush()
            except OSError:
                pass

    def stop(self, timeout_s: float = 10.0) -> None:
        """Quit, wait, then kill this child's own session by its PID. Idempotent."""
        self.quit()
        try:
            self.proc.wait(timeout_s)
        except subprocess.TimeoutExpired:
            log(f"{self.name} did not exit; killing pid {self.pid}")
            procs.stop(self.proc)  # type: ignore[arg-type]
        if self.proc.stdin is not None:
            self.proc.stdin.close()
        self._log.close()

    def _tail(self) -> str:
        self._log.flush()
        return "\n" + procs.tail(self.log_path, 15)


def side_argv(script: Path, mode: str, kam: Kamailio, user: str, **extra: object) -> list[str]:
    argv = [str(script), mode, "--registrar", f"{kam.host}:{kam.port}", "--user", user]
    for key, value in extra.items():
        argv += [f"--{key}", str(value)]
    return argv


SIDES = {"tuiphone": (ENGINE, "alice"), "baseline": (BASELINE, "dave")}


def call_setup(kam: Kamailio, work: Path, target: str, calls: int) -> dict[str, list[float]]:
    out = {}
    for side, (script, user) in SIDES.items():
        child = Child(f"{side}-setup", side_argv(script, "setup", kam, user,
                                                 target=target, calls=calls), work)
        try:
            child.expect("REGISTERED")
            out[side] = json.loads(child.expect("{", 60))["samples_ms"]
        finally:
            child.stop()
        log(f"call setup {side}: {out[side]}")
    return out


def idle_cpu(kam: Kamailio, work: Path, window: float) -> dict[str, dict[str, float]]:
    """Both sides registered at once; one window measured on both."""
    kids = {
        side: Child(f"{side}-idle", side_argv(script, "idle", kam, user), work)
        for side, (script, user) in SIDES.items()
    }
    try:
        for child in kids.values():
            child.expect("REGISTERED")
        time.sleep(1.0)  # settle after start and registration
        c0 = {s: cpu_ns(c.pid) for s, c in kids.items()}
        t0 = time.monotonic()
        time.sleep(window)
        c1 = {s: cpu_ns(c.pid) for s, c in kids.items()}
        wall = time.monotonic() - t0
        threads = {s: len(os.listdir(f"/proc/{c.pid}/task")) for s, c in kids.items()}
    finally:
        for child in kids.values():
            child.stop()
    return {
        s: {"pct": (c1[s] - c0[s]) / (wall * 1e9) * 100, "threads": threads[s]} for s in kids
    }


def call_cpu(
    kam: Kamailio, work: Path, target: str, window: float, callee_pid: int
) -> dict[str, dict[str, object]]:
    out: dict[str, dict[str, object]] = {}
    for side, (script, user) in SIDES.items():
        child = Child(f"{side}-call", side_argv(script, "call", kam, user, target=target), work)
        try:
            child.expect("REGISTERED")
            child.expect("CONFIRMED")
            time.sleep(0.5)
            c0, k0, t0 = cpu_ns(child.pid), cpu_ns(callee_pid), time.monotonic()
            time.sleep(window)
            c1, k1 = cpu_ns(child.pid), cpu_ns(callee_pid)
            wall = time.monotonic() - t0
            child.quit()
            info = json.loads(child.expect("{", 15))
        finally:
            child.stop()
        out[side] = {
            "pct": (c1 - c0) / (wall * 1e9) * 100,
            "callee_pct": (k1 - k0) / (wall * 1e9) * 100,
            **info,
        }
        log(f"call cpu {side}: {out[side]}")
        time.sleep(0.5)
    return out


def cmd_latency() -> dict[str, object] | None:
    proc = subprocess.run(
        [sys.executable, str(BENCH / "sip_bench.py"), "--window", "1"],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )
    for line in proc.stdout.splitlines():
        if line.startswith("{"):
            row = json.loads(line)
            if row.get("name") == "cmd_latency_ms":
                return row
    log(f"sip_bench.py gave no cmd_latency_ms (rc {proc.returncode}): {proc.stderr[-500:]}")
    return None


def ratio(a: float, b: float) -> float | None:
    return round(a / b, 3) if b > 0 else None


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--window", type=float, default=20.0, help="CPU windows, seconds")
    ap.add_argument("--calls", type=int, default=20, help="calls for call_setup_ms")
    ap.add_argument("--keep", action="store_true", help="keep the temp dir (logs)")
    args = ap.parse_args()
    binary = shutil.which("kamailio") or "/usr/sbin/kamailio"
    work = Path(tempfile.mkdtemp(prefix="engine_bench-"))
    kam: Kamailio | None = None
    callee: Child | None = None
    try:
        kam = Kamailio.launch(binary, work / "kamailio", auth=False)
        log(f"kamailio pid {kam.pid} on {kam.host}:{kam.port} (no auth), dir {work}")
        callee = Child("callee", side_argv(BASELINE, "callee", kam, "bob"), work)
        callee.expect("REGISTERED")
        target = kam.aor("bob")

        setup = call_setup(kam, work, target, args.calls)
        med = {s: statistics.median(v) for s, v in setup.items()}
        emit({
            "name": "call_setup_ms", "value": round(med["tuiphone"], 3), "unit": "ms",
            "baseline": round(med["baseline"], 3), "target": "<= 1.2x baseline",
            "ratio": ratio(med["tuiphone"], med["baseline"]), "n": args.calls,
            "min": min(setup["tuiphone"]), "max": max(setup["tuiphone"]),
            "baseline_min": min(setup["baseline"]), "baseline_max": max(setup["baseline"]),
            "method": "caller registered, callee bob (plain pjsua2, auto 200) via Kamailio",
        })

        idle = idle_cpu(kam, work, args.window)
        emit({
            "name": "idle_cpu_pct", "value": round(idle["tuiphone"]["pct"], 4), "unit": "%",
            "baseline": round(idle["baseline"]["pct"], 4), "target": "<= 0.1",
            "window_s": args.window, "threads": idle["tuiphone"]["threads"],
            "baseline_threads": idle["baseline"]["threads"],
            "method": "registered to Kamailio, schedstat of all threads from outside",
        })

        cc = call_cpu(kam, work, target, args.window, callee.pid)
        t, b = cc["tuiphone"], cc["baseline"]
        emit({
            "name": "call_cpu_pct", "value": round(float(t["pct"]), 4), "unit": "%",
            "baseline": round(float(b["pct"]), 4), "target": "<= 1.2x baseline",
            "ratio": ratio(float(t["pct"]), float(b["pct"])), "window_s": args.window,
            "codec": t.get("codec"), "baseline_codec": b.get("codec"),
            "rx_packets": t.get("rx_packets"), "baseline_rx_packets": b.get("rx_packets"),
            "threads": t.get("threads"), "baseline_threads": b.get("threads"),
            "callee_pct": round(float(t["callee_pct"]), 4),
            "baseline_callee_pct": round(float(b["callee_pct"]), 4),
        })

        lat = cmd_latency()
        if lat is not None:
            lat.setdefault("target", None)
            lat.setdefault("baseline", None)
            lat["source"] = "bench/sip_bench.py"
            emit(lat)
    finally:
        if callee is not None:
            callee.stop()
        if kam is not None:
            kam.stop()
        if args.keep:
            log(f"logs kept in {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
