"""Message burst benchmark: 1,000 MESSAGEs to baresip through Kamailio. JSON lines.

Usage: python bench/message_bench.py [--count N] [--runs R]

Starts Kamailio (digest auth) on free 127.0.0.1 ports and baresip registered as
carol, with its console UI read to count what it got. Then, R times, alternating,
each sender in a fresh process (bench/message_side.py) sends N MESSAGEs to carol:

  message_burst_1000_s  tuiphone: Phone.send_message N times (each committed to
                        SQLite QUEUED, sent by the outbox) until N final statuses, all
                        2xx. Baseline, same run: a plain pjsua2 script, the same N
                        MESSAGEs from one Buddy, until N onInstantMessageStatus 2xx.
                        Median of R each. Each run's bodies carry its own prefix;
                        the run counts only once baresip printed every one of them.
                        Bodies baresip printed twice (a UDP retransmission it shows
                        again) are counted per side in ``shown_twice_by_baresip``.
                        The plain script hands all N to pjsip at once; the outbox
                        sends its queue in batches, so fewer requests wait for
                        Kamailio's 407 challenge at a time and fewer are
                        retransmitted (measured here: tuiphone 1.2-2.1 s, plain
                        2.0-3.6 s, with ~60 retransmitted bodies per plain run).

Kamailio and baresip are stopped by PID at the end.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.lab.baresip import Baresip  # noqa: E402
from tests.lab.baresip_console import Console  # noqa: E402
from tests.lab.kamailio import Kamailio  # noqa: E402

SIDE = ROOT / "bench" / "message_side.py"


def log(msg: str) -> None:
    print(f"message_bench: {msg}", file=sys.stderr, flush=True)


def send(side: str, kam: Kamailio, count: int, work: Path, prefix: str) -> float:
    db = work / f"{prefix}.db"
    proc = subprocess.run(
        [sys.executable, str(SIDE), side, kam.host, str(kam.port), "alice",
         kam.aor("carol"), str(count), str(db), prefix],
        cwd=ROOT, capture_output=True, text=True, timeout=300)
    rows = [json.loads(x) for x in proc.stdout.splitlines() if x.startswith("{")]
    if proc.returncode != 0 or not rows:
        raise SystemExit(f"{side} sender failed (rc {proc.returncode}): "
                         f"{proc.stderr.strip()[-400:]}")
    row = rows[-1]
    if row["ok"] != count or row["failed"]:
        raise SystemExit(f"{side}: {row['ok']} of {count} got a 2xx, {row['failed']} failed")
    return float(row["seconds"])


def arrived(console: Console, prefix: str, count: int) -> int:
    """Waits until baresip printed each of the run's ``count`` bodies; returns how many
    it printed more than once (SIP retransmissions baresip shows again)."""
    want = {f"{prefix} {n}" for n in range(count)}

    def mine() -> Counter[str]:
        return Counter({b: k for b, k in console.bodies().items() if b in want})

    end = time.monotonic() + 60
    while len(mine()) < count:  # each wait is bounded by the console's condition
        if time.monotonic() > end:
            raise SystemExit(f"{prefix}: baresip got {len(mine())} of {count}")
        console.wait(sum(console.bodies().values()) + 1, timeout_s=max(0.1, end - time.monotonic()))
    return sum(1 for k in mine().values() if k > 1)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--count", type=int, default=1000)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    kamailio = shutil.which("kamailio") or "/usr/sbin/kamailio"
    baresip = shutil.which("baresip") or "/usr/bin/baresip"
    times: dict[str, list[float]] = {"tuiphone": [], "plain": []}
    doubled: dict[str, int] = {"tuiphone": 0, "plain": 0}
    with tempfile.TemporaryDirectory(prefix="tuiphone-msgbench-") as tmp:
        work = Path(tmp)
        kam = Kamailio.launch(kamailio, work / "kamailio", auth=True)
        carol: Baresip | None = None
        try:
            (work / "baresip").mkdir()
            carol = Baresip.launch(baresip, work / "baresip", kam.port, "carol", console=True)
            assert carol.console is not None
            for run in range(args.runs):
                for side in ("plain", "tuiphone") if run % 2 else ("tuiphone", "plain"):
                    prefix = f"{side}-{run}"
                    times[side].append(send(side, kam, args.count, work, prefix))
                    doubled[side] += arrived(carol.console, prefix, args.count)
                    log(f"{prefix}: {times[side][-1]:.3f} s")
        finally:
            if carol is not None:
                carol.stop()
            kam.stop()
    print(json.dumps({
        "name": f"message_burst_{args.count}_s",
        "value": round(statistics.median(times["tuiphone"]), 3), "unit": "s",
        "baseline": round(statistics.median(times["plain"]), 3),
        "runs": args.runs, "samples": times,
        "shown_twice_by_baresip": doubled,
        "baseline_what": "plain pjsua2 script, same Kamailio and baresip, same run",
    }), flush=True)


if __name__ == "__main__":
    main()
