"""``tuiphone shell`` with no engine running owns one and serves it to other processes."""

from __future__ import annotations

import subprocess
import sys
import time

from tests.cli.conftest import ROOT, cli_env, tuiphone
from tuiphone.control import socket_path


def test_shell_owns_the_engine_and_others_attach():
    shell = subprocess.Popen([sys.executable, "-m", "tuiphone.cli.main", "shell"],
                             env=cli_env(), cwd=ROOT, stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 30
        while not socket_path().is_socket():  # bounded poll for another process's file
            assert shell.poll() is None, shell.communicate()[1]
            assert time.monotonic() < deadline, "the shell never opened the socket"
            time.sleep(0.02)
        attached = tuiphone("call", "echo", "--json")
        assert attached.code == 0, attached.err
        out, _err = shell.communicate("history --json\nexit\n", timeout=60)
    finally:
        if shell.poll() is None:
            shell.kill()
    assert shell.returncode == 0
    assert '"code": 200' in out  # the call made by the other process is in its history
    assert not socket_path().exists()
