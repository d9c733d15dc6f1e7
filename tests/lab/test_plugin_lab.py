"""--nagios on the real pjsua2 backend: a registrar that answers gives OK with the
REGISTER time as perfdata, one that is dead gives CRITICAL with exit 2, within the
timeout, with nothing on stderr; the output is read by a strict plugin-format parser."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path

import pjsua2  # noqa: F401 - a hard dependency: missing, the lab must fail, not skip
import pytest

from tests.cli import conftest as cli
from tests.lab.kamailio import USERS, Kamailio
from tests.lab.test_doctor_lab import PW_VAR, write_config
from tests.support.plugin_output import PluginOutput, parse

pytestmark = [pytest.mark.lab, pytest.mark.pjsua]


def plugin(config: Path, *args: str, password: str = "") -> tuple[int, PluginOutput, float]:
    env = cli.cli_env()
    env.pop("TUIPHONE_BACKEND", None)
    env[PW_VAR] = password
    started = time.monotonic()
    proc = subprocess.run([sys.executable, "-m", "tuiphone.cli.main", "--config", str(config),
                           *args, "--nagios"], capture_output=True, text=True, env=env,
                          cwd=cli.ROOT, timeout=90, check=False)
    took = time.monotonic() - started
    assert proc.stderr == "", proc.stderr
    return proc.returncode, parse(proc.stdout, proc.returncode), took


def test_register_ok_with_its_time(kamailio: Kamailio, tmp_path):
    config = write_config(tmp_path, kamailio.registrar_uri)
    code, out, _ = plugin(config, "register", "--warning", "time=2000", "--critical",
                          "time=5000", password=USERS["alice"])
    assert code == 0, out
    assert "alice registered (200" in out.text
    time_ms = out.perf["time"]
    assert time_ms.uom == "ms"
    assert 0 < (time_ms.value or 0) < 2000
    assert (time_ms.warn, time_ms.crit) == ("2000", "5000")


def test_ping_over_the_threshold_warns(kamailio: Kamailio, tmp_path):
    config = write_config(tmp_path, kamailio.registrar_uri)
    code, out, _ = plugin(config, "ping", kamailio.registrar_uri, "--count", "2",
                          "--interval", "0.1", "--warning", "rtt=~:0", "--critical",
                          "rtt=1000", password=USERS["alice"])
    assert code == 1, out
    assert out.perf["loss"].value == 0
    assert (out.perf["rtt"].value or 0) > 0


def test_dead_registrar_is_critical_exit_2_within_the_timeout(tmp_path):
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as dead:
        dead.bind(("127.0.0.1", 0))  # takes the REGISTERs, never answers
        port = dead.getsockname()[1]
        config = write_config(tmp_path, f"sip:127.0.0.1:{port}")
        code, out, took = plugin(config, "register", "--timeout", "3", password="pw")
        assert dead.recv(4096).startswith(b"REGISTER ")  # it really was asked
    assert code == 2, out
    assert out.state == "CRITICAL"
    assert took < 3 + 10, took  # the plugin's own bound: --timeout plus engine start/stop


def test_doctor_against_a_dead_registrar_is_critical(tmp_path):
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as dead:
        dead.bind(("127.0.0.1", 0))
        config = write_config(tmp_path, f"sip:127.0.0.1:{dead.getsockname()[1]}")
        code, out, _ = plugin(config, "doctor", "--timeout", "2", password="pw")
    assert code == 2, out
    assert out.perf["failed"].value
    assert out.perf["failed"].value >= 1
    assert any(line.startswith("FAIL register") or line.startswith("FAIL options")
               for line in out.long_text), out.long_text
