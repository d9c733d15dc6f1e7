"""coturn (``turnserver``) as the lab's STUN and TURN server in a far host.

Started with ``-n`` (no config file from /etc), plain UDP/TCP only (``--no-tls
--no-dtls``), the long-term credential mechanism with one static user
(``user``/``password``, realm ``lab.test``), its own sqlite db in the work dir, no
CLI, and relays on ``--relay-ip`` = the listening address. Logs go to stdout.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

from tests.lab.net.daemon import READY_TIMEOUT_S, Daemon
from tests.lab.net.host import Host

RELAY_PORTS = (49152, 49999)


@dataclass(eq=False)
class Coturn(Daemon):
    """A running turnserver on ``address``:``port`` (UDP and TCP)."""

    address: str = ""
    port: int = 3478
    user: str = "u"
    password: str = "p"
    realm: str = "lab.test"

    @classmethod
    def launch(
        cls, binary: str, host: Host, workdir: Path, address: str | None = None,
        port: int = 3478, user: str = "u", password: str = "p",
    ) -> Coturn:  # fmt: skip
        """Start on ``address`` (default: the host's first address); wait for UDP+TCP."""
        addr = address or host.addrs[0]
        turn = cls(host, workdir, "turnserver", address=addr, port=port, user=user)
        turn.password = password
        turn.start(turn._argv(binary), turn._ready)
        return turn

    @property
    def stun_uri(self) -> str:
        return f"stun:{self._hostport()}"

    @property
    def turn_uri(self) -> str:
        return f"turn:{self._hostport()}"

    def _hostport(self) -> str:
        host = f"[{self.address}]" if ":" in self.address else self.address
        return f"{host}:{self.port}"

    def _argv(self, binary: str) -> list[str]:
        return [
            binary, "-n", f"--listening-ip={self.address}", f"--relay-ip={self.address}",
            f"--listening-port={self.port}", "--lt-cred-mech", f"--realm={self.realm}",
            f"--user={self.user}:{self.password}", "--no-tls", "--no-dtls", "--no-cli",
            "--log-file=stdout", "--simple-log", f"--userdb={self.workdir / 'turndb'}",
            f"--pidfile={self.workdir / 'turnserver.pid'}",
            f"--min-port={RELAY_PORTS[0]}", f"--max-port={RELAY_PORTS[1]}",
        ]  # fmt: skip

    def _ready(self, proc: subprocess.Popen[bytes]) -> None:
        self.host.wait_udp_bound(self.port, proc, READY_TIMEOUT_S, addr=self.address)
        self.host.wait_tcp_listening(self.port, proc, READY_TIMEOUT_S, addr=self.address)
