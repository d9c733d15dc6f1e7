"""``tuiphone doctor`` on the real pjsua2 backend against Kamailio: all ok on loopback,
and each fault injected once gives the right failing check and exit status."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pjsua2  # noqa: F401 - a hard dependency: missing, the lab must fail, not skip
import pytest

from tests.cli import conftest as cli
from tests.lab import procs
from tests.lab.kamailio import USERS, Kamailio
from tests.lab.test_daemon_faults import bindings, lab_daemon  # noqa: F401 - fixture

pytestmark = [pytest.mark.lab, pytest.mark.pjsua]

PW_VAR = "TUIPHONE_DOCTOR_PW"


def doctor(config: Path, *args: str, password: str = "", timeout: float = 90) -> cli.Run:
    env = cli.cli_env()
    env.pop("TUIPHONE_BACKEND", None)  # the real pjsua2 backend
    env[PW_VAR] = password
    proc = subprocess.run([sys.executable, "-m", "tuiphone.cli.main", "--config", str(config),
                           "doctor", "--json", *args], capture_output=True, text=True,
                          env=env, cwd=cli.ROOT, timeout=timeout, check=False)
    return cli.Run(proc.returncode, proc.stdout, proc.stderr)


def write_config(tmp_path: Path, registrar: str, extra: str = "", engine: str = "",
                 domain: str = "127.0.0.1") -> Path:
    config = tmp_path / "config.toml"
    config.write_text(
        f"[engine]\necho_line = false\n{engine}\n[[accounts]]\nid = \"alice\"\n"
        f"uri = \"sip:alice@{domain}\"\nregistrar = \"{registrar}\"\nusername = \"alice\"\n"
        f"password_env = \"{PW_VAR}\"\n{extra}")
    config.chmod(0o600)
    return config


def contacts(kam: Kamailio) -> list[str]:
    """alice's bound Contact URIs, without their ticking ``expires``."""
    return [c.split(";expires=")[0] for c in bindings(kam, "alice")]


def by_check(run: cli.Run) -> dict[str, dict[str, str]]:
    assert "Traceback" not in run.err, run.err
    rows = run.json()
    assert all(set(r) == {"check", "status", "detail", "fix"} for r in rows), rows
    assert all(r["fix"] for r in rows if r["status"] != "ok"), rows
    return {r["check"]: r for r in rows}


def test_all_ok_on_loopback(kamailio: Kamailio, tmp_path):
    run = doctor(write_config(tmp_path, kamailio.registrar_uri), password=USERS["alice"])
    checks = by_check(run)
    assert run.code == 0, (run.out, run.err)
    assert {c: r["status"] for c, r in checks.items()} == dict.fromkeys(
        ["python", "pjsua2", "config", "secrets", "dns", "route", "tls", "stun", "options",
         "register", "clock", "audio", "terminal", "socket"], "ok"), run.out
    assert "RTT" in checks["options"]["detail"]
    assert "200 OK" in checks["register"]["detail"]
    assert "then removed" in checks["register"]["detail"]
    assert "agrees with ours" in checks["clock"]["detail"]  # the lab's Date header
    assert "via local address 127.0.0.1" in checks["route"]["detail"]
    assert USERS["alice"] not in run.out  # the secret resolves but is never printed
    assert bindings(kamailio, "alice") == []  # unregistered again


def test_wrong_password_is_refused(kamailio: Kamailio, tmp_path):
    run = doctor(write_config(tmp_path, kamailio.registrar_uri), password="wrong")
    checks = by_check(run)
    assert run.code == 4, (run.out, run.err)
    assert checks["register"]["status"] == "fail"
    assert "password" in checks["register"]["fix"]
    assert checks["options"]["status"] == "ok"


@pytest.fixture
def dead_registrar() -> Iterator[str]:
    """A UDP port that takes datagrams and never answers (a hung registrar)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind((procs.HOST, 0))
        yield f"sip:{procs.HOST}:{sock.getsockname()[1]}"


def test_dead_registrar_times_out(dead_registrar, tmp_path):
    started = time.monotonic()
    run = doctor(write_config(tmp_path, dead_registrar), "--timeout", "2", password="x")
    checks = by_check(run)
    assert run.code == 3, (run.out, run.err)
    assert checks["options"]["status"] == "fail"
    assert "no answer" in checks["options"]["detail"]
    assert checks["register"]["status"] == "fail"
    assert time.monotonic() - started < 30


def test_bad_config_names_file_and_line(tmp_path):
    config = tmp_path / "config.toml"
    config.write_text('[[accounts]]\nid = "alice"\nuri = "sip:alice@127.0.0.1"\n'
                      'transport = "carrier-pigeon"\n')
    config.chmod(0o600)
    run = doctor(config)
    checks = by_check(run)
    assert run.code == 2, (run.out, run.err)
    assert checks["config"]["status"] == "fail"
    assert f"{config}:4" in checks["config"]["detail"]
    assert "options" not in checks  # no engine for a config that does not load


def test_unresolvable_registrar(tmp_path):
    run = doctor(write_config(tmp_path, "sip:pbx.doctor.invalid"), password="x")
    checks = by_check(run)
    assert run.code == 5, (run.out, run.err)
    assert checks["dns"]["status"] == "fail"
    assert "pbx.doctor.invalid" in checks["dns"]["detail"]
    assert "options" not in checks  # nothing to send to


def test_runtime_dir_with_wrong_permissions(kamailio: Kamailio, tmp_path):
    runtime = Path(os.environ["XDG_RUNTIME_DIR"]) / "tuiphone"
    runtime.mkdir(parents=True, exist_ok=True)
    runtime.chmod(0o755)
    run = doctor(write_config(tmp_path, kamailio.registrar_uri), password=USERS["alice"])
    checks = by_check(run)
    assert run.code == 2, (run.out, run.err)
    assert checks["socket"]["status"] == "fail"
    assert checks["socket"]["fix"] == f"chmod 700 {runtime}"
    assert checks["register"]["status"] == "ok"


def _tls_config(tmp_path: Path, kam: Kamailio, ca_file: str = "") -> Path:
    extra = f'ca_file = "{ca_file}"\n' if ca_file else ""
    return write_config(tmp_path, f"sip:127.0.0.1:{kam.tls_port};transport=tls", extra)


def test_tls_certificate_not_trusted(kamailio_tls: Kamailio, tmp_path):
    run = doctor(_tls_config(tmp_path, kamailio_tls), password=USERS["alice"])
    checks = by_check(run)
    assert run.code == 5, (run.out, run.err)
    assert checks["tls"]["status"] == "fail"
    assert "not trusted by the system trust store" in checks["tls"]["detail"]
    assert "ca_file" in checks["tls"]["fix"]


def test_tls_certificate_expiring_soon_warns(kamailio_tls: Kamailio, tmp_path):
    # the lab's certificates are valid for 2 days: within the 14-day warning
    run = doctor(_tls_config(tmp_path, kamailio_tls, str(kamailio_tls.ca_path)),
                 password=USERS["alice"])
    checks = by_check(run)
    assert checks["tls"]["status"] == "warn", run.out
    assert "days" in checks["tls"]["detail"]
    assert "renew" in checks["tls"]["fix"]
    assert checks["register"]["status"] == "ok", run.out
    assert run.code == 0, (run.out, run.err)  # a warning never fails the run


@pytest.mark.usefixtures("lab_daemon")
def test_attached_to_a_daemon_reports_its_registration(kamailio: Kamailio, tmp_path):
    env = cli.cli_env()
    env.pop("TUIPHONE_BACKEND", None)
    waited = subprocess.run([sys.executable, "-m", "tuiphone.cli.main", "wait", "registered",
                             "--timeout", "20"], env=env, cwd=cli.ROOT, capture_output=True,
                            text=True, timeout=60, check=False)
    assert waited.returncode == 0, waited.stderr
    before = contacts(kamailio)
    run = doctor(tmp_path / "config.toml")  # the daemon's own config
    checks = by_check(run)
    assert run.code == 0, (run.out, run.err)
    assert checks["register"]["status"] == "ok"
    assert "not sent again" in checks["register"]["detail"]
    assert checks["options"]["status"] == "ok"
    assert checks["socket"]["detail"].endswith("yours, mode 0600")
    assert contacts(kamailio) == before  # no second binding, none removed
