"""The TUI is killed (SIGKILL) while a daemon owns the engine and a call is up: the call
goes on in the daemon, and a new TUI attaches and shows it.

The daemon (real backend) answers carol (baresip) at Kamailio; a TUI attached to it
over the control socket shows the call and is then killed without a goodbye."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import need_binary
from tests.e2e.env import isolated_env
from tests.e2e.tmuxtui import TmuxTui, wait_pid_gone
from tests.lab import procs
from tests.lab.baresip import Baresip
from tests.lab.kamailio import USERS, Kamailio

pytestmark = [pytest.mark.lab, pytest.mark.pjsua]
ROOT = Path(__file__).resolve().parents[2]

CONNECTED_CAROL = re.compile(r"Connected\s+\S*carol")


def _config(path: Path, kam: Kamailio) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        "[engine]\necho_line = false\n[audio]\nmode = \"null\"\n[[accounts]]\n"
        f'id = "alice"\nuri = "sip:alice@{kam.domain}"\n'
        f'registrar = "sip:{kam.host}:{kam.port}"\nusername = "alice"\n'
        'password_env = "TP_ALICE_PW"\nauto_answer = true\n')
    path.chmod(0o600)
    return path


class Env:
    def __init__(self, root: Path, kam: Kamailio) -> None:
        self.runtime = tempfile.mkdtemp(prefix="tp-kill-")
        os.chmod(self.runtime, 0o700)
        # this checkout's code (the installed script may be another tree's)
        self.vars = isolated_env(root / "user", self.runtime, TP_ALICE_PW=USERS["alice"],
                                 PYTHONPATH=str(ROOT))
        self.config = _config(root / "user" / "etc" / "config.toml", kam)
        self.exe = [sys.executable, "-m", "tuiphone.cli.main"]

    def run(self, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
        return subprocess.run([*self.exe, "--config", str(self.config), *args], env=self.vars,
                              capture_output=True, text=True, timeout=timeout, check=False)

    def calls(self) -> list[dict[str, object]]:
        done = self.run("calls", "--json")
        assert done.returncode == 0, done.stderr
        return list(json.loads(done.stdout))


@pytest.fixture
def env(tmp_path: Path, kamailio: Kamailio) -> Iterator[Env]:
    environment = Env(tmp_path, kamailio)
    yield environment
    shutil.rmtree(environment.runtime, ignore_errors=True)


@pytest.fixture
def daemon(env: Env, tmp_path: Path) -> Iterator[subprocess.Popen[bytes]]:
    log = tmp_path / "daemon.log"
    proc = procs.spawn([*env.exe, "--config", str(env.config), "daemon"], log, env=env.vars,
                       cwd=ROOT)
    try:
        # only once the daemon serves its socket: a command before that would start a
        # private engine of its own (which unregisters alice when it ends)
        sock = Path(env.runtime) / "tuiphone" / "control.sock"
        deadline = time.monotonic() + 30
        while not sock.is_socket():  # bounded poll for a file another process makes
            assert proc.poll() is None, procs.tail(log, 40)
            assert time.monotonic() < deadline, procs.tail(log, 40)
            time.sleep(0.02)
        done = env.run("wait", "registered", "--timeout", "30")
        assert done.returncode == 0, f"{done.stderr}\n{procs.tail(log, 40)}"
        yield proc
    finally:
        procs.stop(proc)


def test_killed_tui_leaves_the_call_up_and_a_new_tui_shows_it(
        env: Env, daemon: subprocess.Popen[bytes], baresip: Baresip, kamailio: Kamailio,
        tmp_path: Path) -> None:
    tmux = need_binary("tmux")
    baresip.dial(kamailio.aor("alice"))
    up = env.run("wait", "call", "connected", "--timeout", "30")
    assert up.returncode == 0, (f"{up.stderr}\nbaresip: {baresip.log_tail()}\n"
                                f"daemon: {procs.tail(tmp_path / 'daemon.log', 20)}")
    sessions = []
    try:
        first = TmuxTui(tmux, tmp_path, env.vars)
        sessions.append(first)
        first.start([*env.exe, "--config", str(env.config)])
        first.wait_for("the daemon's call in the first TUI", CONNECTED_CAROL)
        assert first.pid is not None
        os.kill(first.pid, signal.SIGKILL)
        assert wait_pid_gone(first.pid, 10)

        calls = env.calls()  # the daemon's own view, over its socket
        assert [c["state"] for c in calls] == ["connected"], calls
        assert daemon.poll() is None
        before = calls[0]

        second = TmuxTui(tmux, tmp_path, env.vars)
        sessions.append(second)
        second.start([*env.exe, "--config", str(env.config)])
        second.wait_for("the same call in a new TUI", CONNECTED_CAROL)
        after = env.calls()
        assert [(c["id"], c["state"]) for c in after] == [(before["id"], "connected")]
    finally:
        for session in sessions:
            session.stop()
