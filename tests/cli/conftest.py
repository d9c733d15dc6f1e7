"""Run the real ``tuiphone`` entry point in a subprocess on the fake backend."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Run:
    code: int
    out: str
    err: str

    def json(self):
        return json.loads(self.out)


def cli_env() -> dict[str, str]:
    env = dict(os.environ, TUIPHONE_BACKEND="fake", PYTHONPATH=str(ROOT))
    env.pop("TUIPHONE_CONFIG", None)
    return env


def tuiphone(*args: str, timeout: float = 60) -> Run:
    proc = subprocess.run(
        [sys.executable, "-m", "tuiphone.cli.main", *args],
        capture_output=True, text=True, env=cli_env(), cwd=ROOT, timeout=timeout,
    )
    return Run(proc.returncode, proc.stdout, proc.stderr)


@pytest.fixture
def daemon():
    """A ``tuiphone daemon`` on the fake backend; yields its Popen, stops it by pid."""
    from tuiphone.control import socket_path

    proc = subprocess.Popen(
        [sys.executable, "-m", "tuiphone.cli.main", "daemon"],
        env=cli_env(), cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )
    deadline = time.monotonic() + 30
    while not socket_path().is_socket():  # bounded poll for a file another process makes
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            pytest.fail(f"daemon did not start: {proc.communicate()[1]}")
        time.sleep(0.02)
    yield proc
    if proc.poll() is None:
        proc.terminate()
        proc.wait(timeout=30)
