"""Teardown gotcha: an error kept after stop() must not keep a Call alive (abort at exit)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.pjsua
ROOT = Path(__file__).resolve().parents[2]


def test_kept_error_does_not_abort_at_exit() -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run(
        [sys.executable, "-m", "tests.sip.keep_error_child"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "kept" in proc.stdout
