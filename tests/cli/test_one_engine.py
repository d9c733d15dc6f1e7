"""One engine per user, however the processes race: each owner registers the account
once (its password_command logs a line), everyone else attaches to it."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from tests.cli.conftest import ROOT, cli_env
from tuiphone.control import socket_path


def registering_config(tmp_path: Path) -> tuple[Path, Path]:
    """A config whose account registers; every engine that starts logs a line: who held
    the engine lock at that moment (``pid N, role``, as ``tuiphone.host.claim`` notes it)."""
    log = tmp_path / "registrations"
    helper = tmp_path / "password.sh"
    helper.write_text('#!/bin/sh\nrun="${XDG_RUNTIME_DIR:+$XDG_RUNTIME_DIR/tuiphone}"\n'
                      'run="${run:-/tmp/tuiphone-$(id -u)}"\n'
                      f'head -n 1 "$run/engine.lock" >> {log} 2>/dev/null || echo none >> {log}\n'
                      'echo pw\n')
    helper.chmod(0o755)
    config = tmp_path / "config.toml"
    config.write_text('[engine]\necho_line = false\n[[accounts]]\nid = "work"\n'
                      'uri = "sip:alice@example.com"\nregistrar = "sip:example.com"\n'
                      f'password_command = "{helper}"\n')
    config.chmod(0o600)
    return config, log


def start(config: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "tuiphone.cli.main", "--config", str(config),
                             *args], env=cli_env(), cwd=ROOT, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def registrations(log: Path) -> int:
    return len(holders(log))


def holders(log: Path) -> list[str]:
    """The engine lock's holder at each registration, in order."""
    return log.read_text().splitlines() if log.exists() else []


def until(predicate: Callable[[], bool], what: str, timeout_s: float = 30.0) -> None:
    """A bounded wait for something another process does."""
    deadline = time.monotonic() + timeout_s
    while not predicate():
        assert time.monotonic() < deadline, what
        time.sleep(0.02)


def stop(proc: subprocess.Popen[str]) -> None:
    if proc.poll() is None:
        proc.terminate()
        proc.wait(timeout=30)


def test_a_daemon_started_beside_a_private_engine_registers_only_after_it(tmp_path):
    """Before: the daemon registered at once, the one-shot then unregistered the AOR."""
    config, log = registering_config(tmp_path)
    oneshot = start(config, "wait", "message", "--timeout", "6")
    until(lambda: registrations(log) == 1, "the one-shot's engine never registered")
    daemon = start(config, "daemon")
    try:
        assert oneshot.wait(timeout=60) == 3  # no message came: timeout
        until(lambda: registrations(log) == 2, "the daemon never registered")
        # each registered holding the engine lock: the daemon only once the one-shot let go
        # (the one-shot unlocks before its process is gone, so "after it exited" is no test)
        assert [h.split(",")[0] for h in holders(log)] == [f"pid {oneshot.pid}",
                                                           f"pid {daemon.pid}"], holders(log)
        assert daemon.poll() is None
    finally:
        stop(daemon)
        stop(oneshot)


def test_commands_started_while_the_daemon_starts_all_attach(tmp_path):
    config, log = registering_config(tmp_path)
    daemon = start(config, "daemon")
    try:
        until(socket_path().is_socket, "the daemon never claimed its socket")
        lines = [("status", "--json")] * 4 + [("accounts", "--json")] * 2 + \
                [("history", "--json")] * 2  # history needs a running engine
        runs = [start(config, *line) for line in lines]
        results = [(run.wait(timeout=60), run.stdout.read(), run.stderr.read()) for run in runs]
        assert daemon.poll() is None
    finally:
        stop(daemon)
    assert [code for code, _out, _err in results] == [0] * 8, results
    assert {json.loads(out)["engine"] for _c, out, _e in results[:4]} == {"attached"}
    assert registrations(log) == 1  # the daemon's engine, and no other


def test_a_crowd_started_at_once_never_runs_two_engines(tmp_path):
    """Commands that win the race own a private engine one after another; the daemon
    owns after them; the rest attach. Every owner registered exactly once."""
    config, log = registering_config(tmp_path)
    daemon = start(config, "daemon")
    runs = [start(config, "status", "--json") for _ in range(8)]
    try:
        results = [(run.wait(timeout=120), run.stdout.read(), run.stderr.read()) for run in runs]
        until(socket_path().is_socket, "the daemon never served")
        assert daemon.poll() is None
    finally:
        stop(daemon)
        for run in runs:
            stop(run)
    assert [code for code, _out, _err in results] == [0] * 8, results
    owners = sum(json.loads(out)["engine"] == "in-process" for _c, out, _e in results)
    assert registrations(log) == owners + 1
