"""A real ``tuiphone daemon`` (pjsua2) in a subprocess, for lab tests; stopped by PID."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.cli.conftest import ROOT, Run
from tests.lab.kamailio import USERS, Kamailio


def real_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT), **extra)
    env.pop("TUIPHONE_BACKEND", None)
    env.pop("TUIPHONE_CONFIG", None)
    return env


def account_config(path: Path, kam: Kamailio, user: str = "alice", extra: str = "") -> Path:
    path.write_text(
        "[engine]\necho_line = false\n[[accounts]]\n"
        f'id = "{user}"\nuri = "{kam.aor(user)}"\n'
        f'registrar = "{kam.registrar_uri}"\nusername = "{user}"\n'
        f'password = "{USERS[user]}"\n' + extra)
    path.chmod(0o600)
    return path


def tuiphone(config: Path, *args: str, timeout: float = 60, env: dict[str, str] | None = None
             ) -> Run:
    proc = subprocess.run([sys.executable, "-m", "tuiphone.cli.main", "--config", str(config),
                           *args], capture_output=True, text=True, env=env or real_env(),
                          cwd=ROOT, timeout=timeout)
    return Run(proc.returncode, proc.stdout, proc.stderr)


def start_daemon(config: Path, env: dict[str, str] | None = None,
                 wait_registered: bool = True) -> subprocess.Popen[str]:
    """The daemon, once its socket answers (and its account registered)."""
    from tuiphone.control import socket_path

    proc = subprocess.Popen(
        [sys.executable, "-m", "tuiphone.cli.main", "--config", str(config), "daemon"],
        env=env or real_env(), cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        text=True)
    deadline = time.monotonic() + 30
    while not socket_path().is_socket():  # bounded poll for a file another process makes
        if proc.poll() is not None or time.monotonic() > deadline:
            stop(proc)
            pytest.fail(f"daemon did not start: {proc.communicate()[1]}")
        time.sleep(0.02)
    if wait_registered:
        run = tuiphone(config, "wait", "registered", "--timeout", "20")
        assert run.code == 0, run.err
    return proc


def stop(proc: subprocess.Popen[str]) -> str:
    """SIGTERM by PID, bounded; the daemon's stderr."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
    return proc.stderr.read() if proc.stderr else ""


def daemon_running(config: Path, env: dict[str, str] | None = None
                   ) -> Iterator[subprocess.Popen[str]]:
    proc = start_daemon(config, env)
    try:
        yield proc
    finally:
        stop(proc)
