"""TLS accounts verify servers against the system trust store unless ``ca_file`` is set.

Kamailio serves a certificate signed by a CA made for the test. ``tuiphone register``
runs in a subprocess (real pjsua2) so every attempt reads the trust store afresh.
The CA is put into the machine's store for one test only and always removed.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.conftest import REQUIRE_LAB, need_binary
from tests.lab import kamcfg
from tests.lab.kamailio import USERS, Kamailio
from tests.support import systrust
from tests.support.tlsca import LabCa

pytestmark = [pytest.mark.lab, pytest.mark.pjsua]
ROOT = Path(__file__).resolve().parents[2]
Launch = Callable[..., Kamailio]


def need_pjsua2() -> None:
    if importlib.util.find_spec("pjsua2") is None:
        if REQUIRE_LAB:
            pytest.fail("pjsua2 not installed and TUIPHONE_REQUIRE_LAB=1")
        pytest.skip("pjsua2 not installed")


@pytest.fixture
def lab_ca(tmp_path: Path) -> LabCa:
    return LabCa.create(tmp_path / "ca")


@pytest.fixture
def signed_kamailio(tmp_path: Path, lab_ca: LabCa) -> Iterator[Launch]:
    """``launch(*hosts)``: Kamailio whose TLS certificate names ``hosts``, signed by ``lab_ca``."""
    need_pjsua2()
    binary = need_binary("kamailio")
    started: list[Kamailio] = []

    class Signed(Kamailio):
        def _write_tls(self, names: object, verify_client: bool = False) -> None:
            cert, key = lab_ca.issue(self.workdir / "tls", *self.cert_hosts)
            self.cert_path, self.ca_path = cert, lab_ca.cert_path
            (self.workdir / "tls.cfg").write_text(kamcfg.tls_cfg(cert, key))

    def launch(*hosts: str) -> Kamailio:
        Signed.cert_hosts = hosts  # type: ignore[attr-defined]
        kam = Signed.launch(binary, tmp_path / f"kamailio{len(started)}", tls=True)
        started.append(kam)
        return kam

    yield launch
    for kam in started:
        kam.stop()


@pytest.fixture
def update_tool() -> str:
    tool = need_binary("update-ca-certificates")
    if os.geteuid() != 0:
        reason = "changing the system trust store needs root"
        if REQUIRE_LAB:
            pytest.fail(reason + " and TUIPHONE_REQUIRE_LAB=1")
        pytest.skip(reason)
    return tool


def register(
    tmp_path: Path, kam: Kamailio, ca_file: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """``tuiphone register`` over TLS to ``kam``; returns the finished process."""
    config = tmp_path / "config.toml"
    ca_line = f'ca_file = "{ca_file}"\n' if ca_file else ""
    config.write_text(
        "[engine]\necho_line = false\n[[accounts]]\n"
        f'id = "alice"\nuri = "sip:alice@{kam.domain}"\n'
        f'registrar = "sip:{kam.host}:{kam.tls_port};transport=tls"\n'
        f'transport = "tls"\nusername = "alice"\npassword = "{USERS["alice"]}"\n{ca_line}'
    )
    config.chmod(0o600)
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    for var in ("TUIPHONE_BACKEND", "TUIPHONE_CONFIG", "SSL_CERT_FILE", "SSL_CERT_DIR"):
        env.pop(var, None)  # the plain system default, not whatever the shell points at
    argv = [sys.executable, "-m", "tuiphone.cli.main", "--config", str(config)]
    return subprocess.run(
        [*argv, "register", "--timeout", "15"],
        capture_output=True, text=True, env=env, cwd=ROOT, timeout=90, check=False,
    )


def test_system_store_is_trusted_without_ca_file(
    tmp_path: Path, lab_ca: LabCa, signed_kamailio: Launch, update_tool: str
) -> None:
    kam = signed_kamailio("127.0.0.1")
    assert not systrust.bundle_has(lab_ca.cert_path)
    untrusted = register(tmp_path, kam)
    assert untrusted.returncode == 5, untrusted.stderr
    assert "certificate" in untrusted.stderr.lower()
    with systrust.trusted(lab_ca.cert_path, update_tool):
        assert systrust.bundle_has(lab_ca.cert_path)
        trusted = register(tmp_path, kam)
    assert not systrust.bundle_has(lab_ca.cert_path)
    assert trusted.returncode == 0, trusted.stderr + trusted.stdout
    assert "200" in trusted.stdout
    assert kam.count_requests("REGISTER", "alice") >= 1


def test_ca_file_replaces_the_system_store(
    tmp_path: Path, lab_ca: LabCa, signed_kamailio: Launch
) -> None:
    kam = signed_kamailio("127.0.0.1")
    run = register(tmp_path, kam, ca_file=lab_ca.cert_path)
    assert run.returncode == 0, run.stderr + run.stdout
    other = LabCa.create(tmp_path / "other-ca")
    refused = register(tmp_path, kam, ca_file=other.cert_path)
    assert refused.returncode == 5, refused.stderr
    assert "certificate" in refused.stderr.lower()


def test_certificate_for_another_host_is_refused(
    tmp_path: Path, lab_ca: LabCa, signed_kamailio: Launch
) -> None:
    kam = signed_kamailio("sip.example.org", "127.0.0.2")  # a trusted CA, the wrong name
    run = register(tmp_path, kam, ca_file=lab_ca.cert_path)
    assert run.returncode == 5, run.stderr + run.stdout
    assert "certificate" in run.stderr.lower()
    assert "Traceback" not in run.stderr
