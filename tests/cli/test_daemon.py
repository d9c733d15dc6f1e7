"""A second process attaches to ``tuiphone daemon`` through the control socket."""

from __future__ import annotations

import concurrent.futures
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.cli.conftest import ROOT, cli_env, tuiphone


def test_status_attaches_to_the_daemon(daemon):
    run = tuiphone("status", "--json")
    assert run.code == 0, run.err
    assert run.json()["engine"] == "attached"


def test_calls_survive_between_invocations(daemon):
    placed = tuiphone("--json", "call", "sip:noanswer@example.com", "--timeout", "0.1")
    assert placed.code == 3  # no answer in time: the call is cancelled
    assert tuiphone("calls", "--json").json() == []
    assert tuiphone("call", "echo", "--json").code == 0
    history = tuiphone("history", "--json").json()
    assert [h["code"] for h in history][:2] == [200, 487]


def test_second_daemon_is_refused(daemon):
    run = tuiphone("daemon")
    assert run.code == 2
    assert "already running" in run.err


def test_daemon_stops_cleanly_on_sigterm(daemon):
    from tuiphone.control import socket_path

    daemon.send_signal(signal.SIGTERM)
    assert daemon.wait(timeout=30) == 0
    assert not socket_path().exists()
    assert tuiphone("answer").code == 6


def test_daemon_ignores_sighup(daemon):
    daemon.send_signal(signal.SIGHUP)
    assert tuiphone("status", "--json").json()["engine"] == "attached"
    assert daemon.poll() is None


def _started(proc: subprocess.Popen[str], timeout_s: float = 30) -> str:
    """The daemon's start-up line on stderr (it comes once the socket is up)."""
    assert proc.stderr is not None
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        line = pool.submit(proc.stderr.readline).result(timeout=timeout_s)
    assert line.startswith("tuiphone daemon: pid"), line
    return line


def test_after_kill_9_the_next_daemon_recovers_everything_committed(daemon):
    from tuiphone.control import socket_path

    assert tuiphone("call", "echo", "--json").code == 0
    assert tuiphone("message", "echo", "kept through a crash", "--json").code == 0
    history = tuiphone("history", "--json").json()
    messages = tuiphone("messages", "--json").json()
    assert history
    assert any(m["body"] == "kept through a crash" for m in messages)
    wal = list(Path(os.environ["XDG_DATA_HOME"]).rglob("*.db-wal"))
    assert [w.stat().st_size > 0 for w in wal] == [True], "committed pages wait in the WAL"

    daemon.kill()
    daemon.wait(timeout=30)
    assert socket_path().is_socket(), "the stale socket is left behind"
    again = subprocess.Popen(
        [sys.executable, "-m", "tuiphone.cli.main", "daemon"], env=cli_env(), cwd=ROOT,
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        assert f"pid {again.pid}," in _started(again)
        status = tuiphone("status", "--json").json()
        assert status["engine"] == "attached"
        assert tuiphone("history", "--json").json() == history
        assert tuiphone("messages", "--json").json() == messages
    finally:
        again.terminate()
        assert again.wait(timeout=30) == 0


def test_on_incoming_runs_the_command_with_the_caller(tmp_path):
    """[daemon] on_incoming: argv (no shell) plus the caller's URI, name and account."""
    out = tmp_path / "rang.txt"
    script = tmp_path / "rang.py"
    script.write_text("import sys, pathlib\npathlib.Path(sys.argv[1]).write_text("
                      "'\\n'.join(sys.argv[2:]))\n")
    config = tmp_path / "config.toml"
    config.write_text('[[accounts]]\nid = "local"\nuri = "sip:me@127.0.0.1"\n'
                      f'[daemon]\non_incoming = ["{sys.executable}", "{script}", "{out}"]\n')
    config.chmod(0o600)
    env = dict(cli_env(), TUIPHONE_CONFIG=str(config))
    proc = subprocess.Popen([sys.executable, "-m", "tuiphone.cli.main", "daemon"], env=env,
                            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            text=True)
    try:
        _started(proc)
        rang = subprocess.run([sys.executable, "-m", "tuiphone.cli.main", "call",
                               "sip:me@127.0.0.1", "--timeout", "1"], env=env, cwd=ROOT,
                              capture_output=True, text=True, timeout=60)
        assert rang.returncode == 3, rang.stderr  # nobody answered: a timeout
        deadline = time.monotonic() + 30
        while not out.exists():  # bounded poll for a file another process writes
            assert time.monotonic() < deadline, "on_incoming never ran"
            time.sleep(0.05)
        assert out.read_text().split("\n") == ["sip:me@127.0.0.1", "", "local"]
    finally:
        proc.terminate()
        proc.wait(timeout=30)
