"""Run a blf_driver scenario in a fresh subprocess and parse its JSON lines.

One subprocess per test: pjsua2 permits one Endpoint per process, and a wrong
teardown aborts the process, which must not take pytest down with it.
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True, slots=True)
class DriverRun:
    records: list[dict[str, Any]]
    returncode: int
    stderr: str

    def first(self, key: str) -> Any:
        return next(r[key] for r in self.records if key in r)

    def all(self, key: str) -> list[Any]:
        return [r[key] for r in self.records if key in r]

    def lamps(self, uri: str) -> list[dict[str, Any]]:
        return [lamp for lamp in self.all("lamp") if lamp["uri"] == uri]


def run_driver(scenario: str, arg: str = "", timeout_s: float = 90) -> DriverRun:
    proc = subprocess.run(
        [sys.executable, "-m", "tests.blf.blf_driver", scenario, arg],
        cwd=ROOT, capture_output=True, text=True, timeout=timeout_s,
    )
    records = [json.loads(line) for line in proc.stdout.splitlines() if line.startswith("{")]
    return DriverRun(records, proc.returncode, proc.stderr)
