"""Run every ``bench/*_bench.py`` in its own process; print and save their JSON lines.

Each script prints one JSON object per line: name, value, unit, and baseline where a
baseline is measured in the same run. A script that fails is reported as such and the
others still run. Results are also written to bench-results/results.jsonl.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run(script: Path) -> list[dict[str, object]]:
    started = time.monotonic()
    proc = subprocess.run(
        [sys.executable, str(script)], cwd=ROOT, capture_output=True, text=True, timeout=1200
    )
    rows = []
    for line in proc.stdout.splitlines():
        try:
            row = json.loads(line)
        except json.JSONDecodeError:
            continue
        if isinstance(row, dict) and "name" in row:
            rows.append(row)
    if proc.returncode != 0:
        tail = proc.stderr.strip().splitlines()[-3:]
        rows.append({"name": f"{script.stem}_failed", "value": proc.returncode, "unit": "rc",
                     "error": " | ".join(tail)})
    for row in rows:
        row.setdefault("script", script.name)
        row.setdefault("elapsed_s", round(time.monotonic() - started, 2))
    return rows


def main() -> int:
    out_dir = ROOT / "bench-results"
    out_dir.mkdir(exist_ok=True)
    failed = 0
    with (out_dir / "results.jsonl").open("w") as out:
        for script in sorted((ROOT / "bench").glob("*_bench.py")):
            for row in run(script):
                line = json.dumps(row)
                print(line, flush=True)
                out.write(line + "\n")
                failed += str(row["name"]).endswith("_failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
