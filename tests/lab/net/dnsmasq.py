"""dnsmasq as the lab's DNS server in a far host, serving ``lab.test`` (A, AAAA, SRV, NAPTR).

Build a ``Zone`` (``host``, ``srv``, ``naptr``), then ``Dnsmasq.launch(binary, far,
workdir, zone)``. It listens on UDP+TCP 53 of the given address only, never reads
/etc (``--conf-file=/dev/null --no-hosts --no-resolv``), answers NXDOMAIN for
unknown names in the zone (``--local``) and logs every query (``--log-queries``).
dnsmasq cannot reload SRV/NAPTR records: change the zone with ``restart(zone)``.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from tests.lab.net.daemon import READY_TIMEOUT_S, Daemon
from tests.lab.net.host import Host

_QUERY = re.compile(r"query\[(\w+)\] (\S+) from ")


@dataclass(slots=True)
class Zone:
    """Records of one test domain, as dnsmasq options. Methods return ``self`` to chain."""

    domain: str = "lab.test"
    options: list[str] = field(default_factory=list)

    def host(self, name: str, *addrs: str) -> Zone:
        """A/AAAA records of ``name`` (relative names get ``.domain`` appended)."""
        self.options.append(f"--host-record={self.fqdn(name)},{','.join(addrs)}")
        return self

    def srv(
        self, service: str, target: str, port: int, priority: int = 10, weight: int = 50
    ) -> Zone:
        """An SRV record, e.g. ``srv("_sip._udp", "sip1", 5060, 10, 50)``."""
        owner, tgt = self.fqdn(service), self.fqdn(target)
        self.options.append(f"--srv-host={owner},{tgt},{port},{priority},{weight}")
        return self

    def naptr(
        self,
        order: int,
        preference: int,
        service: str,
        replacement: str,
        flags: str = "S",
        name: str = "",
    ) -> Zone:
        """A NAPTR record of ``name`` (default: the domain), e.g. ``naptr(10, 50,
        "SIP+D2U", "_sip._udp")``; the regexp is empty, as SIP's RFC 3263 wants."""
        owner, repl = self.fqdn(name), self.fqdn(replacement)
        self.options.append(
            f"--naptr-record={owner},{order},{preference},{flags},{service},,{repl}"
        )
        return self

    def fqdn(self, name: str) -> str:
        """``name`` inside the domain unless it already ends with it ('' is the domain)."""
        if not name:
            return self.domain
        return name if name.endswith(self.domain) else f"{name}.{self.domain}"


@dataclass(eq=False)
class Dnsmasq(Daemon):
    """A running dnsmasq; ``address``:``port`` is the nameserver to configure."""

    address: str = ""
    port: int = 53
    binary: str = "dnsmasq"
    zone: Zone = field(default_factory=Zone)

    @classmethod
    def launch(
        cls, binary: str, host: Host, workdir: Path, zone: Zone, address: str | None = None,
        port: int = 53,
    ) -> Dnsmasq:  # fmt: skip
        """Start serving ``zone`` on ``address`` (default: the host's first address)."""
        dns = cls(host, workdir, "dnsmasq", address=address or host.addrs[0], port=port)
        dns.binary = binary
        dns.restart(zone)
        return dns

    @property
    def nameserver(self) -> str:
        """``ADDR:PORT`` (IPv6 in brackets), the form resolver settings take."""
        host = f"[{self.address}]" if ":" in self.address else self.address
        return f"{host}:{self.port}"

    def restart(self, zone: Zone) -> None:
        """Stop (if running) and start again serving ``zone``."""
        self.stop()
        self.zone = zone
        self.start(self._argv(), self._ready)

    def queries(self) -> list[tuple[str, str]]:
        """(type, name) of every query so far, in order (from ``--log-queries`` lines)."""
        return [(m[1], m[2]) for m in _QUERY.finditer(self.log_text())]

    def _argv(self) -> list[str]:
        return [
            self.binary, "--keep-in-foreground", "--conf-file=/dev/null", "--no-hosts",
            "--no-resolv", f"--port={self.port}", f"--listen-address={self.address}",
            "--bind-interfaces", "--log-facility=-", "--log-queries", "--pid-file=",
            f"--local=/{self.zone.domain}/", *self.zone.options,
        ]  # fmt: skip

    def _ready(self, proc: subprocess.Popen[bytes]) -> None:
        self.host.wait_udp_bound(self.port, proc, READY_TIMEOUT_S, addr=self.address)
