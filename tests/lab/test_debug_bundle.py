"""debug-bundle against a real registered daemon: the pcap parses in tshark as SIP, the
config and the trace carry no password and no Authorization value, and chat stays out
unless asked for."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tarfile
from collections.abc import Iterator
from pathlib import Path

import pjsua2  # noqa: F401 - a hard dependency: missing, the lab must fail, not skip
import pytest

from tests.cli import conftest as cli
from tests.conftest import lab_missing
from tests.lab import procs
from tests.lab.kamailio import USERS, Kamailio

pytestmark = [pytest.mark.lab, pytest.mark.pjsua]
PASSWORD = USERS["alice"]


def _env() -> dict[str, str]:
    env = cli.cli_env()
    env.pop("TUIPHONE_BACKEND", None)  # the real pjsua2 backend
    env["ALICE_PW"] = PASSWORD
    return env


def _tuiphone(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "tuiphone.cli.main", *args], env=_env(),
                          cwd=cli.ROOT, capture_output=True, text=True, timeout=120)


@pytest.fixture
def registered(kamailio: Kamailio, tmp_path: Path) -> Iterator[Path]:
    """A real daemon with alice registered (password from the environment, app log on)."""
    config = tmp_path / "config.toml"
    config.write_text(
        '[log]\nlevel = "debug"\n[engine]\necho_line = false\n[[accounts]]\n'
        f'id = "alice"\nuri = "sip:alice@{kamailio.domain}"\n'
        f'registrar = "sip:{kamailio.host}:{kamailio.port}"\nusername = "alice"\n'
        'password_env = "ALICE_PW"\n# password = "old-one"\n')
    config.chmod(0o600)
    log = tmp_path / "daemon.log"
    proc = procs.spawn([sys.executable, "-m", "tuiphone.cli.main", "--config", str(config),
                        "daemon"], log, cwd=cli.ROOT, env=_env())
    try:
        waited = _tuiphone("--config", str(config), "wait", "registered", "--timeout", "30")
        assert waited.returncode == 0, waited.stderr + procs.tail(log, 30)
        yield config
    finally:
        procs.stop(proc)


def _members(path: Path) -> dict[str, bytes]:
    with tarfile.open(path) as tar:
        return {m.name.split("/", 1)[1]: tar.extractfile(m).read()  # type: ignore[union-attr]
                for m in tar.getmembers()}


def test_bundle_of_a_registered_daemon(registered: Path, tmp_path: Path):
    out = tmp_path / "bundle.tar.gz"
    made = _tuiphone("--config", str(registered), "--json", "debug-bundle", "--out", str(out),
                     "--since", "1h")
    assert made.returncode == 0, made.stderr
    assert out.stat().st_mode & 0o777 == 0o600
    members = _members(out)
    assert set(members) >= {"README.txt", "versions.json", "status.json", "config.toml",
                            "sip-trace.txt", "sip-trace.pcap", "log/tuiphone.log"}
    assert "messages.json" not in members
    for name, data in members.items():
        assert PASSWORD.encode() not in data, name
    trace = members["sip-trace.txt"].decode()
    assert "REGISTER sip:" in trace
    assert "Authorization: [redacted]" in trace
    assert "response=" not in trace
    config = members["config.toml"].decode()
    assert '# password = "[redacted]"' in config
    assert 'password_env = "ALICE_PW"' in config  # a variable's name is no secret
    readme = members["README.txt"].decode()
    assert all(name in readme for name in members if name != "README.txt")
    tshark = shutil.which("tshark")
    if tshark is None:
        lab_missing("tshark is not installed")
    pcap = tmp_path / "x.pcap"
    pcap.write_bytes(members["sip-trace.pcap"])
    packets = subprocess.run([tshark, "-r", str(pcap), "-Y", "sip", "-T", "fields", "-e",
                              "sip.CSeq.method"], capture_output=True, text=True,
                             timeout=60, env={**os.environ, "HOME": str(tmp_path)})
    assert packets.returncode == 0, packets.stderr
    rows = [r for r in packets.stdout.splitlines() if r.strip()]
    records = len(re.findall(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d (?:RX|TX) ", trace,
                             re.MULTILINE))
    assert len(rows) == records  # every packet is read as SIP
    assert "REGISTER" in rows


def test_bundle_without_an_engine_and_bad_since(tmp_path: Path):
    config = tmp_path / "config.toml"
    config.write_text('[[accounts]]\nid = "a"\nuri = "sip:a@example.com"\n')
    config.chmod(0o600)
    out = tmp_path / "b.tar.gz"
    made = _tuiphone("--config", str(config), "debug-bundle", "--out", str(out),
                     "--with-chat")
    assert made.returncode == 0, made.stderr
    members = _members(out)
    assert "status.json" not in members
    assert "messages.json" in members  # asked for: the (empty) chat of that time
    assert b"--with-chat" in members["README.txt"]
    bad = _tuiphone("--config", str(config), "debug-bundle", "--since", "soon")
    assert bad.returncode == 2
    assert "--since 'soon'" in bad.stderr
    assert not list(Path(cli.ROOT).glob("tuiphone-debug-*.tar.gz"))
