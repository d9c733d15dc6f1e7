"""rtpengine as the provider's media relay in a far host, in userspace (``--table=-1``).

The ng control protocol listens on UDP ``address``:``ng_port``; Kamailio's
``rtpengine_sock`` is ``rtpengine.ng_sock`` (``udp:ADDR:PORT``, ``udp6:[ADDR]:PORT``).
Media ports come from ``MEDIA_PORTS``. No config file is read (``--config-file=none``);
logs go to stderr (``-E``) at level 6.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

from tests.lab.net import ng
from tests.lab.net.daemon import READY_TIMEOUT_S, Daemon
from tests.lab.net.host import Host

MEDIA_PORTS = (30000, 30999)


@dataclass(eq=False)
class Rtpengine(Daemon):
    """A running rtpengine; ``ping()`` asks it over ng from inside its namespace."""

    address: str = ""
    ng_port: int = 22222

    @classmethod
    def launch(
        cls, binary: str, host: Host, workdir: Path, address: str | None = None,
        ng_port: int = 22222,
    ) -> Rtpengine:  # fmt: skip
        """Start relaying on ``address`` (default: the host's first); wait for a pong."""
        rtp = cls(host, workdir, "rtpengine", address=address or host.addrs[0], ng_port=ng_port)
        rtp.start(rtp._argv(binary), rtp._ready)
        return rtp

    @property
    def ng_sock(self) -> str:
        """The value for Kamailio's ``rtpengine_sock`` (``Kamailio.launch(rtpengine=...)``)."""
        if ":" in self.address:
            return f"udp6:[{self.address}]:{self.ng_port}"
        return f"udp:{self.address}:{self.ng_port}"

    @property
    def listen_ng(self) -> str:
        host = f"[{self.address}]" if ":" in self.address else self.address
        return f"{host}:{self.ng_port}"

    def ping(self, timeout_s: float = 2.0) -> dict[str, object]:
        """One ng ``ping`` from inside the host; the decoded reply (``result``: ``pong``)."""
        return self.host.call(
            ng.command, self.address, self.ng_port, {"command": "ping"}, timeout_s
        )

    def _argv(self, binary: str) -> list[str]:
        return [
            binary, "--config-file=none", "--foreground", "--table=-1", "-E", "-L", "6",
            f"--interface={self.address}", f"--listen-ng={self.listen_ng}",
            f"--port-min={MEDIA_PORTS[0]}", f"--port-max={MEDIA_PORTS[1]}",
            f"--pidfile={self.workdir / 'rtpengine.pid'}",
        ]  # fmt: skip

    def _ready(self, proc: subprocess.Popen[bytes]) -> None:
        self.host.wait_udp_bound(self.ng_port, proc, READY_TIMEOUT_S, addr=self.address)
