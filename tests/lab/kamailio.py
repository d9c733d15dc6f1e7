"""A real Kamailio for tests: registrar, digest auth, proxy, presence, dialog events, MWI.

``Kamailio.launch(workdir)`` writes ``kamailio.cfg.tmpl`` into ``workdir`` with free
ports on 127.0.0.1, starts ``kamailio -DD -E`` and returns once it answers OPTIONS.
``stop()`` and ``start()`` restart it on the same ports with an empty location table.

In a lab namespace (``host=far``), it listens on ``address`` (one or more, IPv4 and/or
IPv6) at 5060 (TLS 5061) unless told otherwise; readiness is checked from inside
that namespace. ``tls=True`` there uses a certificate from a lab CA (``ca_path``)
with SANs ``tls_names`` plus the listen addresses, and every request over TLS is
logged as ``LAB-TLS <method> sni=<server name the client sent>`` (``$tls_peer_server_name``).
``nat=True`` is a provider: nathelper fixes NATed registrations and contacts
(``LAB-NAT`` lines), and the rtpengine at ``rtpengine`` (its ``ng_sock``, e.g.
``udp:ADDR:22222``) relays all media; launch waits until Kamailio has found it.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from tests.lab import kamcfg, procs, tlscert
from tests.lab.net.host import Host
from tests.lab.sipwire import uri_host, wait_for_options

DBTEXT = Path("/usr/share/kamailio/dbtext/kamailio")
USERS = {u: f"{u}pw" for u in ("alice", "bob", "carol", "dave", "erin")}
READY_TIMEOUT_S = 20.0


@dataclass(slots=True)
class Kamailio:
    """One Kamailio instance. ``tls_port`` is 0 unless started with ``tls=True``.

    ``host`` is the (first) listen address, ``domain`` the URI host of AoRs.
    ``cert_path`` is the server certificate, ``ca_path`` what a client trusts (the
    self-signed cert itself on loopback, the lab CA in a namespace).
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
    ca_path: Path | None = None
    ca_key_path: Path | None = None
    netns: Host | None = None
    addresses: tuple[str, ...] = (procs.HOST,)
    nat: bool = False
    aliases: tuple[str, ...] = ()
    natping_s: int = 0
    rtpengine: str = ""
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
        host: Host | None = None,
        address: str | Sequence[str] | None = None,
        port: int | None = None,
        tls_port: int | None = None,
        tls_names: Sequence[str] = (),
        verify_client: bool = False,
        aliases: Sequence[str] = (),
        nat: bool = False,
        rtpengine: str = "",
        natping_s: int = 0,
    ) -> Kamailio:
        """Configure ``workdir`` and start; raises RuntimeError/TimeoutError with the log tail.

        Without ``host`` it runs in root on 127.0.0.1 and free ports, as ever.
        """
        workdir.mkdir(parents=True, exist_ok=True)
        addrs = _addresses(host, address)
        default_port = 5060 if host else procs.free_port()
        kam = cls(binary, workdir, port or default_port, auth=auth, noanswer_ms=noanswer_ms)
        kam.netns, kam.addresses, kam.nat = host, addrs, nat
        kam.host, kam.domain = addrs[0], uri_host(addrs[0])
        if nat and not rtpengine:
            raise ValueError("nat=True needs rtpengine= (Rtpengine.ng_sock, e.g. 'udp:ADDR:PORT')")
        if verify_client and not tls:
            raise ValueError("verify_client=True needs tls=True")
        if tls:
            kam.tls_port = tls_port or (5061 if host else procs.free_port())
            names = tls_names if (host or tls_names or verify_client) else None
            kam._write_tls(names, verify_client)
        kam.aliases, kam.natping_s, kam.rtpengine = tuple(aliases), natping_s, rtpengine
        kam.cfg_path.write_text(kam._render())
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
        return f"sip:{uri_host(self.host)}:{self.port}"

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
        argv, log = self._argv(rundir), self.log_path
        if self.netns is None:
            self.proc = procs.spawn(argv, log, cwd=self.workdir)
        else:
            self.proc = self.netns.spawn(argv, log, cwd=self.workdir)
        try:
            self._wait_ready()
        except (RuntimeError, TimeoutError) as err:
            self.stop()
            raise RuntimeError(f"kamailio did not come up: {err}\n{self.log_tail()}") from err

    def stop(self) -> None:
        """SIGTERM, bounded wait, SIGKILL the group. Idempotent."""
        if self.proc is not None:
            procs.stop(self.proc)

    def kill(self) -> None:
        """SIGKILL every Kamailio process (a crash); ``start`` brings it back."""
        if self.proc is not None:
            procs.kill(self.proc)

    def log_tail(self, lines: int = 40) -> str:
        return procs.tail(self.log_path, lines)

    def log_text(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def count_requests(self, method: str, from_user: str | None = None) -> int:
        """How many ``method`` requests the script logged (``LAB-REQ`` lines) so far."""
        needle = f"LAB-REQ {method} "
        who = f"from=sip:{from_user}@" if from_user else ""
        return sum(1 for line in self.log_text().splitlines() if needle in line and who in line)

    def geolocations(self, method: str = "REGISTER") -> list[str]:
        """The Geolocation header of every ``method`` request that carried one so far."""
        needle = f"LAB-GEO {method} "
        return [line.split("geolocation=", 1)[1].strip() for line in self.log_text().splitlines()
                if needle in line and "geolocation=" in line]

    def tls_server_names(self) -> list[str]:
        """The SNI of every request that came over TLS so far ('' if none was sent)."""
        lines = (ln for ln in self.log_text().splitlines() if "LAB-TLS " in ln)
        names = (ln.split(" sni=", 1)[1].split(" ", 1)[0] for ln in lines if " sni=" in ln)
        return ["" if n == "<null>" else n for n in names]

    def _alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def _wait_ready(self) -> None:
        assert self.proc is not None
        if self.netns is None:
            procs.wait_udp_bound(self.port, self.proc, READY_TIMEOUT_S)
            wait_for_options(self.host, self.port, READY_TIMEOUT_S, self._alive)
            return
        netns, family = self.netns, socket.AF_INET6 if ":" in self.host else socket.AF_INET
        netns.wait_udp_bound(self.port, self.proc, READY_TIMEOUT_S, addr=self.host)
        wait_for_options(
            self.host, self.port, READY_TIMEOUT_S, self._alive, lambda: netns.socket(family)
        )
        if self.nat:  # every worker tests the relay at start: one success is enough
            found = f"rtpengine instance <{self.rtpengine}> found"
            procs.wait_for(lambda: found in self.log_text(), self.proc, READY_TIMEOUT_S, found)

    def _argv(self, rundir: Path) -> list[str]:
        argv = [self.binary, "-DD", "-E", "-f", str(self.cfg_path), "-w", str(self.workdir)]
        argv += ["-Y", str(rundir), "-m", "64", "-M", "8"]
        flags = {"WITH_AUTH": self.auth, "WITH_TLS": self.tls_port, "WITH_NAT": self.nat}
        for flag in (name for name, on in flags.items() if on):
            argv += ["-A", flag]
        return argv

    def _render(self) -> str:
        return kamcfg.render(
            addresses=self.addresses,
            port=self.port,
            tls_port=self.tls_port,
            workdir=self.workdir,
            noanswer_ms=self.noanswer_ms,
            aliases=self.aliases,
            natping_s=self.natping_s,
            rtpengine=self.rtpengine,
        )

    def _write_tls(self, names: Sequence[str] | None, verify_client: bool = False) -> None:
        """Self-signed for 127.0.0.1 (``names`` None), else a lab-CA cert for names +
        addresses; ``verify_client`` requires clients to show a lab-CA certificate."""
        tls_dir = self.workdir / "tls"
        if names is None:
            cert, key = tlscert.self_signed(tls_dir)
            self.ca_path = cert
        else:
            ca = tlscert.lab_ca(tls_dir)
            cert, key = tlscert.issue(ca, tls_dir, names, self.addresses)
            self.ca_path, self.ca_key_path = ca
        self.cert_path = cert
        client_ca = self.ca_path if verify_client else None
        (self.workdir / "tls.cfg").write_text(kamcfg.tls_cfg(cert, key, client_ca))

    def client_cert(self, name: str, passphrase: str | None = None) -> tuple[Path, Path]:
        """A client certificate for ``name`` from this Kamailio's lab CA (cert, key)."""
        if self.ca_path is None or self.ca_key_path is None:
            raise RuntimeError("client certificates need a lab CA (tls=True with tls_names)")
        ca = (self.ca_path, self.ca_key_path)
        return tlscert.issue_client(ca, self.workdir / "clients" / name, name, passphrase)


def _addresses(host: Host | None, address: str | Sequence[str] | None) -> tuple[str, ...]:
    if address is None:
        return (host.addrs[0],) if host else (procs.HOST,)
    return (address,) if isinstance(address, str) else tuple(address)
