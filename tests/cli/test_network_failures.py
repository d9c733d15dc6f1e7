"""Network failures and user mistakes in command mode on the real pjsua2 backend
(loopback, no lab): the right exit code and exactly one readable line on stderr, never
a traceback, a pjsua2 call string or an asyncio "never retrieved" warning."""

from __future__ import annotations

import importlib.util
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.cli import conftest

pytestmark = [
    pytest.mark.pjsua,
    pytest.mark.skipif(importlib.util.find_spec("pjsua2") is None, reason="pjsua2 missing"),
]
NOISE = ("Traceback", "never retrieved", "Task was destroyed", "pjsua_", "Exception ignored")


@pytest.fixture(autouse=True)
def _real_backend(monkeypatch):
    real = conftest.cli_env

    def env():
        values = real()
        values.pop("TUIPHONE_BACKEND", None)
        return values

    monkeypatch.setattr(conftest, "cli_env", env)


def closed_tcp_port() -> int:
    """A loopback TCP port nobody listens on (bound, then released)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def account_config(tmp_path: Path, registrar: str, transport: str = "udp") -> Path:
    config = tmp_path / "config.toml"
    config.write_text(
        "[engine]\necho_line = false\n[[accounts]]\n"
        f'id = "work"\nuri = "sip:alice@127.0.0.1"\nregistrar = "{registrar}"\n'
        f'username = "alice"\npassword = "secret"\ntransport = "{transport}"\n'
    )
    config.chmod(0o600)
    return config


def one_clean_line(run: conftest.Run) -> str:
    lines = run.err.strip().splitlines()
    assert len(lines) == 1, run.err
    for word in NOISE:
        assert word not in run.err, run.err
    return lines[0]


def test_register_at_an_unresolvable_registrar_exits_5(tmp_path):
    config = account_config(tmp_path, "sip:nonexistent.invalid")
    run = conftest.tuiphone("--config", str(config), "register", "--timeout", "10")
    assert run.code == 5, run.err
    assert one_clean_line(run) == "tuiphone: registering work: the host name does not resolve"


def test_register_at_a_closed_tcp_port_exits_5(tmp_path):
    registrar = f"sip:127.0.0.1:{closed_tcp_port()};transport=tcp"
    config = account_config(tmp_path, registrar, transport="tcp")
    run = conftest.tuiphone("--config", str(config), "register", "--timeout", "10")
    assert run.code == 5, run.err
    assert one_clean_line(run) == "tuiphone: registering work: Connection refused"


def test_register_with_no_answer_exits_3(tmp_path):
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as silent:  # bound, never reads
        silent.bind(("127.0.0.1", 0))
        config = account_config(tmp_path, f"sip:127.0.0.1:{silent.getsockname()[1]}")
        run = conftest.tuiphone("--config", str(config), "register", "--timeout", "1")
    assert run.code == 3, run.err
    assert "no final answer within 1 s" in one_clean_line(run)


def test_call_to_an_unresolvable_host_exits_5():
    run = conftest.tuiphone("call", "sip:x@nonexistent.invalid", "--timeout", "10")
    assert run.code == 5, run.err
    line = one_clean_line(run)
    assert line == "tuiphone: calling sip:x@nonexistent.invalid: the host name does not resolve"


@pytest.mark.parametrize("count", ["1", "3"])
@pytest.mark.parametrize(
    ("target", "reason"),
    [
        ("sip:127.0.0.1:{port};transport=tcp", "Connection refused"),
        ("sip:nonexistent.invalid", "the host name does not resolve"),
        # pjsua ends the transaction and also raises: once a "never retrieved" warning
        ("sip:127.0.0.1:{port};transport=tls", "Unsupported transport"),
        ("sips:127.0.0.1:{port}", "Unsupported transport"),
    ],
)
def test_failed_ping_exits_5_without_asyncio_noise(target, reason, count):
    uri = target.format(port=closed_tcp_port())
    run = conftest.tuiphone("ping", uri, "--count", count, "--interval", "0", "--timeout", "5")
    assert run.code == 5, run.err
    assert one_clean_line(run).startswith(f"tuiphone: pinging {uri}: {reason}")


def live_calls() -> list[dict[str, object]]:
    run = conftest.tuiphone("calls", "--json")
    assert run.code == 0, run.err
    return [c for c in run.json() if c["state"] != "ended"]


def test_failed_record_leaves_no_call_in_a_running_engine(daemon, tmp_path):
    run = conftest.tuiphone("call", "echo", "--record", str(tmp_path / "no" / "x.wav"),
                            "--duration", "1", "--timeout", "10")
    assert run.code == 2, run.err  # the user's path, not the network
    assert "No such file or directory" in one_clean_line(run)
    deadline = time.monotonic() + 10
    while live_calls() and time.monotonic() < deadline:  # the BYE is under way
        time.sleep(0.1)
    assert live_calls() == []


def test_missing_ca_file_exits_2_before_anything_is_sent(tmp_path):
    config = account_config(tmp_path, "sip:127.0.0.1:5061;transport=tls", transport="tls")
    missing = tmp_path / "pbx-ca.pem"
    config.write_text(config.read_text() + f'ca_file = "{missing}"\n')
    run = conftest.tuiphone("--config", str(config), "register", "--timeout", "5")
    assert run.code == 2, run.err
    assert one_clean_line(run) == f"tuiphone: work: ca_file {missing}: No such file or directory"


# The CLI with Python's own SIGINT handler even when the test runs as a background job
# (which starts children with SIGINT ignored).
INTERRUPTIBLE = (
    "import runpy, signal, sys; signal.signal(signal.SIGINT, signal.default_int_handler); "
    "sys.argv[0] = 'tuiphone'; runpy.run_module('tuiphone.cli.main', run_name='__main__')"
)


def test_ctrl_c_during_a_call_hangs_it_up_in_a_running_engine(daemon):
    proc = subprocess.Popen(
        [sys.executable, "-c", INTERRUPTIBLE, "call", "echo", "--duration", "60"],
        env=conftest.cli_env(), cwd=conftest.ROOT, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True,
    )
    try:
        deadline = time.monotonic() + 20
        while not any(c["state"] == "connected" for c in live_calls()):
            assert time.monotonic() < deadline, "the call never connected"
            time.sleep(0.1)
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 130, err
    assert "Traceback" not in err
    deadline = time.monotonic() + 10
    while live_calls() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert live_calls() == []
