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
        # The cost removed: the same imports with nothing run (what a one-shot register
        # imports before it sends a byte) against the baseline's (asyncio + pjsua2).
        imports = [sys.executable, "-c", ENGINE_IMPORTS]
        floor = [sys.executable, "-c", "import asyncio, pjsua2"]
        runs = (ours, base, imports, floor)
        for argv in runs:
            timed(argv, env)  # warm the page cache
        times: list[list[float]] = [[], [], [], []]
        for _ in range(RUNS):
            for argv, got in zip(runs, times, strict=True):
                got.append(timed(argv, env)[0])
        rss = [statistics.median(rss_of(argv, env) for _ in range(3)) for argv in runs]
        dc_s, dc_total_s = min((dataclass_share(env) for _ in range(3)), key=lambda r: r[1])
    finally:
        kam.stop()
    ours_s, base_s, imports_s, floor_s = (statistics.median(t) for t in times)
    emit("cli_cold_register_s", ours_s, "s", base_s, 2.0)
    emit("cli_rss_mb", rss[0], "MB", rss[1], 1.5)
    # what is left when the engine's imports are taken away (ours - their extra cost)
    rest = ours_s - (imports_s - floor_s)
    emit("cli_register_imports_s", imports_s, "s", floor_s, None,
         why="the one-shot register's imports alone (engine, model, commands, sip) "
             "against 'import asyncio, pjsua2'")
    emit("cli_cold_register_without_imports_s", rest, "s", base_s, 2.0,
         why="cli_cold_register_s minus the extra import time: the work done after "
             "importing. When this meets the target and cli_cold_register_s does not, "
             "the gap is the engine's ~400 modules (import time), not the register path")
    emit("cli_register_dataclass_s", dc_s, "s", dc_total_s, None,
         why="of the engine's imports timed in one process (the baseline column), the "
             "time spent building dataclasses: the model's frozen value types, a cost "
             "no lazy import removes while the engine needs its events and config")
    emit("cli_imports_rss_mb", rss[2], "MB", rss[3], None,
         why="peak RSS of those imports alone against asyncio + pjsua2: the share of "
             "cli_rss_mb that is module code and data")
    emit("cli_rss_without_imports_mb", rss[0] - (rss[2] - rss[3]), "MB", rss[1], 1.5,
         why="cli_rss_mb minus the extra peak RSS of those imports (cli_imports_rss_mb "
             "- its baseline): the memory the register itself takes. When this meets the "
             "target and cli_rss_mb does not, the gap is the engine's module code and "
             "data, not what the command allocates")


ENGINE_IMPORTS = ("import tuiphone.cli.main, tuiphone.cli.parser, tuiphone.cli.oneshot, "
                  "tuiphone.config.loader, tuiphone.host.build, tuiphone.sip.core, "
                  "tuiphone.commands.checks.register; "
                  # as the one-shot does (host.build.settle): its exit then walks no
                  # module garbage, so neither may this probe's, or the subtraction lies
                  "import gc; gc.freeze()")

# The share of those imports that is building dataclasses (the model's ~125 frozen
# value types): timed inside one child, best of 3.
DATACLASS_PROBE = """
import dataclasses, time
spent = 0.0
build = dataclasses._process_class
def timed(*args, **kwargs):
    global spent
    t = time.perf_counter()
    try:
        return build(*args, **kwargs)
    finally:
        spent += time.perf_counter() - t
dataclasses._process_class = timed
start = time.perf_counter()
""" + ENGINE_IMPORTS.split(";")[0] + """
print(spent, time.perf_counter() - start)
"""


def dataclass_share(env: dict[str, str]) -> tuple[float, float]:
    """Seconds spent in dataclass creation, and in the whole import, in one child."""
    done = subprocess.run([sys.executable, "-c", DATACLASS_PROBE], env=env, cwd=ROOT,
                          capture_output=True, text=True, check=True)
    spent, total = done.stdout.split()
    return float(spent), float(total)


def emit(name: str, value: float, unit: str, baseline: float, factor: float | None,
         why: str = "") -> None:
    row: dict[str, object] = {"name": name, "value": round(value, 4), "unit": unit,
                              "baseline": round(baseline, 4),
                              "ratio": round(value / baseline, 2)}
    if factor is not None:
        row["target"] = f"<= {factor}x baseline"
        row["met"] = value <= factor * baseline
    if why:
        row["why"] = why
    print(json.dumps(row), flush=True)


if __name__ == "__main__":
    main()
