"""cli_cold_register_s and cli_rss_mb: a one-shot ``tuiphone register`` against Kamailio.

Baseline: bench/baseline_register.py (plain pjsua2) in the same run, runs interleaved.
Prints JSON lines (name, value, unit, baseline, target).
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.lab.kamailio import Kamailio  # noqa: E402

RUNS = int(os.environ.get("BENCH_RUNS", "9"))


def timed(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of one child process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    done = subprocess.run(argv, env=env, capture_output=True, text=True, cwd=ROOT)
    wall = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{argv[:3]} failed ({done.returncode}): {done.stderr[-500:]}")
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return wall, max(peak, before) / 1024.0


def rss_of(argv: list[str], env: dict[str, str]) -> float:
    """Peak RSS of a child, measured with /usr/bin/time-free wait4 accounting."""
    proc = subprocess.Popen(argv, env=env, cwd=ROOT, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    return usage.ru_maxrss / 1024.0


def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="tp-bench-"))
    kam = Kamailio.launch("/usr/sbin/kamailio", work / "kam", auth=True)
    try:
        cfg = work / "config.toml"
        cfg.write_text(
            '[[accounts]]\nid = "alice"\nuri = "sip:alice@127.0.0.1"\n'
            f'registrar = "sip:127.0.0.1:{kam.port}"\nusername = "alice"\n'
            'password_env = "BENCH_PW"\n'
        )
        # An installed tuiphone has bytecode caches; measure that, not recompilation.
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env = {**env, "BENCH_PW": "alicepw", "XDG_DATA_HOME": str(work / "data"),
               "XDG_RUNTIME_DIR": str(work), "XDG_STATE_HOME": str(work / "state")}
        ours = [sys.executable, "-m", "tuiphone.cli.main", "--config", str(cfg), "register"]
        base = [sys.executable, str(ROOT / "bench" / "baseline_register.py"),
                f"127.0.0.1:{kam.port}", "alice", "alicepw"]
        timed(ours, env), timed(base, env)  # warm the page cache
        ours_t, base_t = [], []
        for _ in range(RUNS):
            ours_t.append(timed(ours, env)[0])
            base_t.append(timed(base, env)[0])
        ours_rss = statistics.median(rss_of(ours, env) for _ in range(3))
        base_rss = statistics.median(rss_of(base, env) for _ in range(3))
    finally:
        kam.stop()
    emit("cli_cold_register_s", statistics.median(ours_t), "s", statistics.median(base_t), 2.0)
    emit("cli_rss_mb", ours_rss, "MB", base_rss, 1.5)


def emit(name: str, value: float, unit: str, baseline: float, factor: float) -> None:
    print(json.dumps({"name": name, "value": round(value, 4), "unit": unit,
                      "baseline": round(baseline, 4), "target": f"<= {factor}x baseline",
                      "ratio": round(value / baseline, 2)}), flush=True)


if __name__ == "__main__":
    main()
