"""A real Kamailio for tests: registrar, digest auth, proxy, presence, dialog events, MWI.

``Kamailio.launch(workdir)`` writes ``kamailio.cfg.tmpl`` into ``workdir`` with free
ports, starts ``kamailio -DD -E`` and returns once it answers OPTIONS. ``stop()`` and
``start()`` restart it on the same ports with an empty location table.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from tests.lab import procs, tlscert
from tests.lab.sipwire import wait_for_options

TEMPLATE = Path(__file__).with_name("kamailio.cfg.tmpl")
DBTEXT = Path("/usr/share/kamailio/dbtext/kamailio")
USERS = {u: f"{u}pw" for u in ("alice", "bob", "carol", "dave", "erin")}
READY_TIMEOUT_S = 20.0

TLS_CFG = """[server:default]
method = TLSv1.2+
verify_certificate = no
require_certificate = no
private_key = {key}
certificate = {cert}

[client:default]
method = TLSv1.2+
verify_certificate = no
require_certificate = no
"""


@dataclass(slots=True)
class Kamailio:
    """One Kamailio instance. ``tls_port`` is 0 unless started with ``tls=True``.

    ``cert_path`` is the self-signed certificate (SAN IP:127.0.0.1) to trust as CA.
    """

    binary: str
    workdir: Path
    port: int
    tls_port: int = 0
    auth: bool = True
    noanswer_ms: int = 4000
    host: str = procs.HOST
    domain: str = procs.HOST
    cert_path: Path | None = None
    proc: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    @classmethod
    def launch(
        cls,
        binary: str,
        workdir: Path,
        *,
        auth: bool = True,
        tls: bool = False,
        noanswer_ms: int = 4000,
    ) -> Kamailio:
        """Configure ``workdir`` and start; raises RuntimeError/TimeoutError with the log tail."""
        workdir.mkdir(parents=True, exist_ok=True)
        kam = cls(binary, workdir, procs.free_port(), auth=auth, noanswer_ms=noanswer_ms)
        if tls:
            kam.tls_port = procs.free_port()
            kam.cert_path = kam._write_tls()
        kam._write_config()
        kam.start()
        return kam

    @property
    def log_path(self) -> Path:
        return self.workdir / "kamailio.log"

    @property
    def cfg_path(self) -> Path:
        return self.workdir / "kamailio.cfg"

    @property
    def pid(self) -> int | None:
        return self.proc.pid if self.proc and self.proc.poll() is None else None

    @property
    def registrar_uri(self) -> str:
        return f"sip:{self.domain}:{self.port}"

    def aor(self, user: str) -> str:
        return f"sip:{user}@{self.domain}"

    def start(self) -> None:
        """Start (again) on the same ports with a fresh db_text copy; wait for OPTIONS."""
        if self.pid is not None:
            return
        db = self.workdir / "db"
        shutil.rmtree(db, ignore_errors=True)
        shutil.copytree(DBTEXT, db)
        rundir = self.workdir / "run"
        rundir.mkdir(exist_ok=True)
        self.proc = procs.spawn(self._argv(rundir), self.log_path, cwd=self.workdir)
        try:
            procs.wait_udp_bound(self.port, self.proc, READY_TIMEOUT_S)
            wait_for_options(self.host, self.port, READY_TIMEOUT_S, self._alive)
        except (RuntimeError, TimeoutError) as err:
            self.stop()
            raise RuntimeError(f"kamailio did not come up: {err}\n{self.log_tail()}") from err

    def stop(self) -> None:
        """SIGTERM, bounded wait, SIGKILL the group. Idempotent."""
        if self.proc is not None:
            procs.stop(self.proc)

    def log_tail(self, lines: int = 40) -> str:
        return procs.tail(self.log_path, lines)

    def log_text(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def count_requests(self, method: str, from_user: str | None = None) -> int:
        """How many ``method`` requests the script logged (``LAB-REQ`` lines) so far."""
        needle = f"LAB-REQ {method} "
        who = f"from=sip:{from_user}@" if from_user else ""
        return sum(1 for line in self.log_text().splitlines() if needle in line and who in line)

    def _alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def _argv(self, rundir: Path) -> list[str]:
        argv = [self.binary, "-DD", "-E", "-f", str(self.cfg_path), "-w", str(self.workdir)]
        argv += ["-Y", str(rundir), "-m", "64", "-M", "8"]
        if self.auth:
            argv += ["-A", "WITH_AUTH"]
        if self.tls_port:
            argv += ["-A", "WITH_TLS"]
        return argv

    def _write_config(self) -> None:
        values = {
            "PORT": self.port,
            "TLS_PORT": self.tls_port,
            "DIR": self.workdir,
            "NOANSWER_MS": self.noanswer_ms,
        }
        text = TEMPLATE.read_text()
        for name, value in values.items():
            text = text.replace(f"%%{name}%%", str(value))
        self.cfg_path.write_text(text)

    def _write_tls(self) -> Path:
        cert, key = tlscert.self_signed(self.workdir / "tls")
        (self.workdir / "tls.cfg").write_text(TLS_CFG.format(cert=cert, key=key))
        return cert
