"""Engine benchmarks against a real Kamailio, each side in its own process. JSON lines.

Usage: python bench/engine_bench.py [--window S] [--calls N] [--rounds N] [--keep]

Starts Kamailio (no auth) on free 127.0.0.1 ports in a temp dir, and a plain
pjsua2 callee "bob" (bench/baseline_pjsua2.py callee: auto-answers with 200,
G722 first, VAD off) that both callers dial. Then, for the tuiphone engine
(bench/engine_side.py: Phone over PjBackend) and for the plain pjsua2 baseline
(bench/baseline_pjsua2.py, lean settings), each in a fresh process:

  call_setup_ms   median makeCall/Phone.call() -> CONFIRMED/CallChanged CONNECTED,
                  timed inside each caller; --calls calls per side, the two sides'
                  calls alternate one at a time (t, b, t, b, ...) so drift hits both
  idle_cpu_pct    registered, no call; CPU of the whole process over --window s,
                  read from outside (/proc/PID/task/*/schedstat); both sides run
                  at the same time and are measured over the same window
  call_cpu_pct    both callers in a call to bob at the same time (G722/16000,
                  VAD off, null audio); each caller's CPU over --window s from
                  0.5 s after CONFIRMED; --rounds fresh rounds, mean reported
  cmd_latency_ms  re-emitted from bench/sip_bench.py (run with --window 1)

The machine is shared (other jobs may be running): every comparison is made
between the two sides measured at the same time, never across runs.
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
    return sum(thread_ns(pid).values())


def thread_ns(pid: int) -> dict[int, int]:
    """Run-time nanoseconds of each thread of ``pid``, by thread id."""
    out = {}
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{tid}/schedstat") as f:
                out[int(tid)] = int(f.read().split()[0])
        except OSError:
            continue
    return out


def thread_name(pid: int, tid: int, names: dict[str, str]) -> str:
    """The Python name a side reported for ``tid``, else the kernel's (clock, ...)."""
    if str(tid) in names:
        return names[str(tid)]
    try:
        with open(f"/proc/{pid}/task/{tid}/comm") as f:
            return "main" if tid == pid else f.read().strip()
    except OSError:
        return "gone"


def per_thread(pid: int, before: dict[int, int], after: dict[int, int], wall: float,
               names: dict[str, str]) -> dict[str, float]:
    """% of a core per thread over the window, threads named, idle ones left out."""
    out: dict[str, float] = {}
    for tid, ns in after.items():
        pct = (ns - before.get(tid, ns)) / (wall * 1e9) * 100
        if pct >= 0.005:
            name = thread_name(pid, tid, names)
            out[name] = round(out.get(name, 0.0) + pct, 4)
    return out


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
                raise RuntimeError(
                    f"{self.name}: no {prefix!r} in {timeout_s} s{self._tail()}"
                ) from None
            if line is None:
                raise RuntimeError(f"{self.name}: exited before {prefix!r}{self._tail()}")
            if line.startswith(prefix):
                return line

    def send(self, line: str) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()

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
        if self.proc.returncode:
            log(f"{self.name} exited with {self.proc.returncode}{self._tail()}")
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
    """Both callers up at once; their calls alternate (t, b, t, b, ...), one at a time."""
    kids = {
        side: Child(
            f"{side}-setup",
            side_argv(script, "setup", kam, user, target=target, calls=calls),
            work,
        )
        for side, (script, user) in SIDES.items()
    }
    out: dict[str, list[float]] = {side: [] for side in kids}
    parts: dict[str, list[float]] = {"in": [], "pj": [], "out": []}  # tuiphone's split
    try:
        for child in kids.values():
            child.expect("REGISTERED")
        time.sleep(0.5)
        for _ in range(calls):
            for side, child in kids.items():
                child.send("go")
                fields = child.expect("SAMPLE", 30).split()
                out[side].append(float(fields[1]))
                for field in fields[2:]:
                    key, _, value = field.partition("=")
                    parts[key].append(float(value))
                time.sleep(0.05)
    finally:
        for child in kids.values():
            child.stop()
    for side, samples in out.items():
        log(f"call setup {side}: {samples}")
    out.update({f"tuiphone_{key}": values for key, values in parts.items()})
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
    return {s: {"pct": (c1[s] - c0[s]) / (wall * 1e9) * 100, "threads": threads[s]} for s in kids}


def call_cpu(
    kam: Kamailio, work: Path, target: str, window: float, callee_pid: int
) -> dict[str, dict[str, object]]:
    """Both callers in a call to bob at the same time; one window measured on both."""
    kids = {
        side: Child(f"{side}-call", side_argv(script, "call", kam, user, target=target), work)
        for side, (script, user) in SIDES.items()
    }
    out: dict[str, dict[str, object]] = {}
    try:
        for child in kids.values():
            child.expect("REGISTERED")
        for child in kids.values():
            child.expect("CONFIRMED")
        time.sleep(0.5)
        c0 = {s: thread_ns(c.pid) for s, c in kids.items()}
        k0, t0 = cpu_ns(callee_pid), time.monotonic()
        time.sleep(window)
        c1 = {s: thread_ns(c.pid) for s, c in kids.items()}
        k1, wall = cpu_ns(callee_pid), time.monotonic() - t0
        for child in kids.values():
            child.quit()
        for side, child in kids.items():
            info = json.loads(child.expect("{", 15))
            names = info.pop("thread_names", {})
            spent = sum(c1[side].values()) - sum(c0[side].get(t, v) for t, v in c1[side].items())
            out[side] = {"pct": spent / (wall * 1e9) * 100,
                         "per_thread": per_thread(kids[side].pid, c0[side], c1[side], wall,
                                                  names), **info}
    finally:
        for child in kids.values():
            child.stop()
    out["callee"] = {"pct": (k1 - k0) / (wall * 1e9) * 100}
    log(f"call cpu: {out}")
    return out


def cmd_latency() -> dict[str, object] | None:
    proc = subprocess.run(
        [sys.executable, str(BENCH / "sip_bench.py"), "--window", "1"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
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
    ap.add_argument("--calls", type=int, default=40,
                    help="calls for call_setup_ms, each side (20 moved ±20 %% run to run)")
    ap.add_argument("--rounds", type=int, default=3, help="call CPU windows per side")
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
        med = {s: statistics.median(v) for s, v in setup.items() if v}
        emit(
            {
                "name": "call_setup_ms",
                "value": round(med["tuiphone"], 3),
                "unit": "ms",
                "baseline": round(med["baseline"], 3),
                "target": "<= 1.2x baseline",
                "ratio": ratio(med["tuiphone"], med["baseline"]),
                "n": args.calls,
                "min": min(setup["tuiphone"]),
                "max": max(setup["tuiphone"]),
                "baseline_min": min(setup["baseline"]),
                "baseline_max": max(setup["baseline"]),
                "method": "callers registered, callee bob (plain pjsua2, auto 200) via Kamailio;"
                " calls of the two sides alternate",
            }
        )
        if all(f"tuiphone_{k}" in med for k in ("in", "pj", "out")):
            emit(
                {
                    "name": "call_setup_pjsip_ms",
                    "value": round(med["tuiphone_pj"], 3),
                    "unit": "ms",
                    "baseline": round(med["baseline"], 3),
                    "ratio": ratio(med["tuiphone_pj"], med["baseline"]),
                    "in_ms": round(med["tuiphone_in"], 3),
                    "out_ms": round(med["tuiphone_out"], 3),
                    "why": "call_setup_ms with the engine's hand-offs removed: on tuiphone's "
                    "pjsip thread, makeCall -> pjsua's CONFIRMED callback (what the baseline "
                    "measures, our callbacks for 100/180/200 included). in_ms: Phone.call() "
                    "on the asyncio loop until makeCall starts (dial-string parsing, the "
                    "wake-up datagram, the job); out_ms: the CONFIRMED callback until the "
                    "CallChanged event reaches the caller on the loop. When this row meets "
                    "1.2x and call_setup_ms does not, the gap is the two thread hops a "
                    "headless engine with an asyncio API needs, not the SIP path",
                }
            )

        idle = idle_cpu(kam, work, args.window)
        emit(
            {
                "name": "idle_cpu_pct",
                "value": round(idle["tuiphone"]["pct"], 4),
                "unit": "%",
                "baseline": round(idle["baseline"]["pct"], 4),
                "target": "<= 0.1",
                "window_s": args.window,
                "threads": idle["tuiphone"]["threads"],
                "baseline_threads": idle["baseline"]["threads"],
                "method": "registered to Kamailio, schedstat of all threads from outside",
            }
        )

        rounds = [call_cpu(kam, work, target, args.window, callee.pid) for _ in range(args.rounds)]
        t = [float(r["tuiphone"]["pct"]) for r in rounds]
        b = [float(r["baseline"]["pct"]) for r in rounds]
        last = rounds[-1]
        emit(
            {
                "name": "call_cpu_pct",
                "value": round(statistics.mean(t), 4),
                "unit": "%",
                "baseline": round(statistics.mean(b), 4),
                "target": "<= 1.2x baseline",
                "ratio": ratio(statistics.mean(t), statistics.mean(b)),
                "window_s": args.window,
                "rounds": [round(x, 4) for x in t],
                "baseline_rounds": [round(x, 4) for x in b],
                "callee_pct": [round(float(r["callee"]["pct"]), 4) for r in rounds],
                "codec": last["tuiphone"].get("codec"),
                "baseline_codec": last["baseline"].get("codec"),
                "rx_packets": last["tuiphone"].get("rx_packets"),
                "baseline_rx_packets": last["baseline"].get("rx_packets"),
                "threads": last["tuiphone"].get("threads"),
                "baseline_threads": last["baseline"].get("threads"),
                # where the difference is: % of a core per thread (schedstat), last round
                "per_thread": last["tuiphone"].get("per_thread"),
                "baseline_per_thread": last["baseline"].get("per_thread"),
                "method": "both callers in a call to bob at once, same window; mean of rounds",
                "errors": [
                    f"{side}: {r[side]['error']}"
                    for r in rounds
                    for side in SIDES
                    if r[side].get("error")
                ],
            }
        )

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
