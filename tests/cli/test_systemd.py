"""The daemon under systemd: sd_notify datagrams, the watchdog, journald log lines and
the unit that ``--print-unit`` writes. The manager is a real AF_UNIX datagram socket."""

from __future__ import annotations

import logging
import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli.conftest import ROOT, cli_env
from tuiphone.cli.systemd import Notifier, setup_logging, status_line, unit_text
from tuiphone.model.account import AccountState, RegState


class Manager:
    """What systemd's notify socket receives, one datagram at a time."""

    def __init__(self, address: str | bytes) -> None:
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(address)
        self.sock.settimeout(30)

    def next(self) -> dict[str, str]:
        data = self.sock.recv(4096).decode()
        return dict(line.split("=", 1) for line in data.splitlines())

    def until(self, key: str) -> list[dict[str, str]]:
        """Every datagram up to and including the first that carries ``key``."""
        seen = [self.next()]
        while key not in seen[-1]:
            seen.append(self.next())
        return seen


def test_notifier_sends_to_a_path_and_to_an_abstract_socket(tmp_path):
    manager = Manager(str(tmp_path / "notify"))
    assert Notifier({"NOTIFY_SOCKET": str(tmp_path / "notify")}).send("READY=1", "STATUS=x")
    assert manager.next() == {"READY": "1", "STATUS": "x"}
    name = f"tuiphone-test-{os.getpid()}"
    abstract = Manager(b"\0" + name.encode())
    assert Notifier({"NOTIFY_SOCKET": "@" + name}).send("STOPPING=1")
    assert abstract.next() == {"STOPPING": "1"}


def test_without_a_manager_nothing_is_sent_and_a_dead_socket_is_no_error(tmp_path):
    assert not Notifier({}).enabled
    assert not Notifier({}).send("READY=1")
    assert not Notifier({"NOTIFY_SOCKET": "relative/path"}).enabled
    assert Notifier({"NOTIFY_SOCKET": str(tmp_path / "gone")}).send("READY=1") is False


def test_watchdog_interval_is_half_of_watchdog_sec_and_only_for_our_pid():
    assert Notifier({"WATCHDOG_USEC": "30000000"}).watchdog_s == 15.0
    assert Notifier({"WATCHDOG_USEC": "30000000", "WATCHDOG_PID": "1"}).watchdog_s is None
    assert Notifier({"WATCHDOG_USEC": str(2_000_000),
                     "WATCHDOG_PID": str(os.getpid())}).watchdog_s == 1.0
    assert Notifier({"WATCHDOG_USEC": "soon"}).watchdog_s is None


def test_status_line_names_each_account():
    accounts = [AccountState("work", "sip:a@x", RegState.REGISTERED),
                AccountState("home", "sip:b@y", RegState.FAILED, 403, "Forbidden")]
    assert status_line(accounts) == "work registered; home failed (403 Forbidden)"
    assert status_line([]) == "no accounts"


def test_unit_runs_this_install(tmp_path):
    script = tmp_path / "venv with space" / "bin" / "tuiphone"
    script.parent.mkdir(parents=True)
    script.write_text("#!/bin/sh\n")
    unit = unit_text(str(tmp_path / "my%config.toml"), argv0=str(script))
    lines = dict(line.split("=", 1) for line in unit.splitlines()
                 if "=" in line and not line.startswith("#"))
    assert lines["Type"] == "notify"
    assert lines["WatchdogSec"] == "30"
    assert lines["ExecStart"] == (f"'{script}' --config {tmp_path}/my%%config.toml daemon")
    fallback = unit_text(None, argv0="/somewhere/main.py", executable="/opt/py/bin/python3")
    assert "ExecStart=/opt/py/bin/python3 -m tuiphone.cli.main daemon\n" in fallback


def test_print_unit_prints_and_starts_nothing(tmp_path):
    out = subprocess.run([sys.executable, "-m", "tuiphone.cli.main", "daemon", "--print-unit"],
                         env=cli_env(), cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert f"ExecStart={sys.executable} -m tuiphone.cli.main daemon" in out.stdout
    assert "[Install]" in out.stdout


def test_journal_lines_carry_priorities_and_no_time(tmp_path):
    stream = (tmp_path / "stderr").open("w+")
    st = os.fstat(stream.fileno())
    saved = sys.stderr
    root = logging.getLogger()
    handlers = list(root.handlers)
    try:
        sys.stderr = stream
        setup_logging({"JOURNAL_STREAM": f"{st.st_dev}:{st.st_ino}"})
        logging.getLogger("tuiphone.x").warning("two\nlines")
        setup_logging({}, stream=stream)  # a terminal: time stamps
        logging.getLogger("tuiphone.x").error("plain")
    finally:
        sys.stderr = saved
        for handler in root.handlers[len(handlers):]:
            root.removeHandler(handler)
    stream.flush()
    text = Path(stream.name).read_text().splitlines()
    assert text[:2] == ["<4>tuiphone.x: two", "<4>tuiphone.x: lines"]
    assert text[2] == "<3>tuiphone.x: plain"  # the journal handler sees it too
    assert text[3].endswith("ERROR tuiphone.x: plain")
    assert text[3][:4].isdigit()


def registering_config(tmp_path: Path) -> Path:
    config = tmp_path / "config.toml"
    config.write_text('[engine]\necho_line = false\n[[accounts]]\nid = "work"\n'
                      'uri = "sip:alice@example.com"\nregistrar = "sip:example.com"\n'
                      'password_command = "echo pw"\n')
    config.chmod(0o600)
    return config


def test_daemon_says_ready_status_watchdog_and_stopping(tmp_path):
    manager = Manager(str(tmp_path / "notify"))
    env = dict(cli_env(), NOTIFY_SOCKET=str(tmp_path / "notify"), WATCHDOG_USEC="200000")
    proc = subprocess.Popen([sys.executable, "-m", "tuiphone.cli.main", "--config",
                             str(registering_config(tmp_path)), "daemon"],
                            env=env, cwd=ROOT, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)
    try:
        ready = manager.until("READY")[-1]
        assert ready["STATUS"] == "work registered"
        assert "WATCHDOG" in manager.until("WATCHDOG")[-1]
        assert "WATCHDOG" in manager.until("WATCHDOG")[-1]  # it keeps feeding
        proc.send_signal(signal.SIGTERM)
        stopping = manager.until("STOPPING")[-1]
        assert stopping["STATUS"].startswith("stopping")
        assert proc.wait(timeout=30) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert "Traceback" not in proc.stderr.read()  # type: ignore[union-attr]


def test_a_daemon_that_cannot_start_says_why_in_its_status(tmp_path):
    manager = Manager(str(tmp_path / "notify"))
    bad = tmp_path / "bad.toml"
    bad.write_text("[[accounts]]\nid = 3\n")
    bad.chmod(0o600)
    env = dict(cli_env(), NOTIFY_SOCKET=str(tmp_path / "notify"))
    out = subprocess.run([sys.executable, "-m", "tuiphone.cli.main", "--config", str(bad),
                          "daemon"], env=env, cwd=ROOT, capture_output=True, text=True,
                         timeout=60)
    assert out.returncode == 2, out.stderr
    status = manager.next()["STATUS"]
    assert status.startswith("failed: ")
    assert "bad.toml" in status
    assert "READY" not in status


@pytest.fixture(autouse=True)
def _short_socket_dir(tmp_path, monkeypatch):
    """AF_UNIX paths are limited to 108 bytes; pytest's tmp paths can be long."""
    if len(str(tmp_path / "notify")) > 100:
        pytest.fail(f"tmp path too long for a unix socket: {tmp_path}")


def test_the_shipped_unit_is_the_printed_one_for_a_pipx_install():
    from tuiphone.cli.systemd import UNIT

    shipped = (ROOT / "packaging" / "systemd" / "tuiphone.service").read_text()
    assert shipped == UNIT.format(exec_start="%h/.local/bin/tuiphone daemon")
