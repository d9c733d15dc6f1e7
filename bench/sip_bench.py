"""Benchmark the pjsua2 backend: command latency and idle CPU. Prints JSON lines.

Usage: python bench/sip_bench.py [--window SECONDS] [--jobs N]

cmd_latency_ms: median time from submitting a job on the asyncio loop to the job
starting on the pjsip thread (the thread sleeps in a 500 ms libHandleEvents poll
and is woken by a CRLF datagram). idle_cpu_pct: CPU of the whole process (sum of
/proc/self/task/*/schedstat run time) over the window, with one direct account
added and no call, as % of one core.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

from tuiphone.model.account import AccountConfig  # noqa: E402
from tuiphone.model.backend import BackendSettings  # noqa: E402
from tuiphone.sip import PjBackend  # noqa: E402


def cpu_ns() -> int:
    """Run-time nanoseconds of every thread of this process."""
    total = 0
    for tid in os.listdir("/proc/self/task"):
        try:
            with open(f"/proc/self/task/{tid}/schedstat") as f:
                total += int(f.read().split()[0])
        except OSError:
            continue  # thread exited
    return total


async def latency(backend: PjBackend, jobs: int) -> list[float]:
    loop = backend._loop  # noqa: SLF001 - the bench measures the bridge itself
    assert loop is not None
    samples = []
    for _ in range(jobs):
        started: list[float] = []
        t0 = time.perf_counter()
        await loop.run(lambda box=started: box.append(time.perf_counter()))
        samples.append((started[0] - t0) * 1000)
        await asyncio.sleep(0.01)  # let the thread fall back into its long poll
    return samples


def plain_baseline(window: float) -> float | None:
    """Idle CPU of plain_pjsua2.py (default media threads, 10 ms poll), run afterwards."""
    script = os.path.join(os.path.dirname(__file__), "plain_pjsua2.py")
    proc = subprocess.run(
        [sys.executable, script, "--window", str(window)],
        capture_output=True,
        text=True,
        timeout=window + 60,
    )
    for line in proc.stdout.splitlines():
        if line.startswith("{"):
            return float(json.loads(line)["value"])
    return None


async def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--window", type=float, default=10.0)
    ap.add_argument("--jobs", type=int, default=200)
    args = ap.parse_args()
    backend = PjBackend()
    await backend.start(BackendSettings(), lambda e: None)
    try:
        await backend.add_account(AccountConfig(id="bench", uri="sip:bench@127.0.0.1"), None)
        lat = await latency(backend, args.jobs)
        print(
            json.dumps(
                {
                    "name": "cmd_latency_ms",
                    "value": round(statistics.median(lat), 3),
                    "unit": "ms",
                    "p90": round(sorted(lat)[int(len(lat) * 0.9)], 3),
                    "n": len(lat),
                }
            ),
            flush=True,
        )
        await asyncio.sleep(1.0)  # settle after the latency burst
        c0, t0 = cpu_ns(), time.monotonic()
        await asyncio.sleep(args.window)
        pct = (cpu_ns() - c0) / ((time.monotonic() - t0) * 1e9) * 100
        threads = len(os.listdir("/proc/self/task"))
    finally:
        await backend.stop()
    print(
        json.dumps(
            {
                "name": "idle_cpu_pct",
                "value": round(pct, 4),
                "unit": "%",
                "window_s": args.window,
                "threads": threads,
                "baseline": plain_baseline(args.window),
            }
        )
    )


if __name__ == "__main__":
    asyncio.run(main())
