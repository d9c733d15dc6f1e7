"""SIPp as a trunk/peer stand-in: built-in ``uas`` (with RTP echo) or ``uac``, or a
scenario file from ``scenarios/``. Results come from the exit code and ``-trace_stat``.
``host=`` runs it in a lab namespace on that host's address (SIP and RTP echo).

Exit codes (SIPp): 0 all calls succeeded, 1 some failed, 97 internal exit, 99 no call
processed, 255/-1 fatal, 254/-2 socket bind failure.
"""

from __future__ import annotations

import csv
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from tests.lab import procs
from tests.lab.net.host import Host
from tests.lab.sipwire import uri_host

SCENARIOS = Path(__file__).with_name("scenarios")


def scenario(name: str) -> Path:
    """The path of a bundled scenario, e.g. ``scenario("uas_486")``."""
    path = SCENARIOS / f"{name}.xml"
    if not path.exists():
        raise FileNotFoundError(path)
    return path


@dataclass(slots=True)
class Sipp:
    """One SIPp process. ``port`` is its SIP port, ``media_port`` its RTP port (uas)."""

    binary: str
    workdir: Path
    port: int
    media_port: int = 0
    name: str = "sipp"
    address: str = procs.HOST
    netns: Host | None = None
    proc: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    @classmethod
    def uas(
        cls,
        binary: str,
        workdir: Path,
        *,
        scenario_file: Path | None = None,
        calls: int | None = None,
        rtp_echo: bool = True,
        duration_ms: int | None = None,
        host: Host | None = None,
        address: str | None = None,
        extra: tuple[str, ...] = (),
    ) -> Sipp:
        """Start a UAS on a free port. Returns once it is spawned (see ``wait_ready``).

        ``duration_ms`` is the ``<pause/>`` of scenarios that hang up themselves;
        ``extra`` are more SIPp options (``-inf FILE`` for ``uas_busy_by_inf``).
        In a lab ``host`` it listens (SIP and RTP echo) on ``address`` (default: the
        host's first address).
        """
        addr = address or (host.addrs[0] if host else procs.HOST)
        sip_port, media_port = _ports(host, addr)
        sipp = cls(binary, workdir, sip_port, media_port, name="uas", address=addr, netns=host)
        args = ["-sf", str(scenario_file)] if scenario_file else ["-sn", "uas"]
        args += ["-mi", addr, "-mp", str(sipp.media_port)]
        if rtp_echo:
            args.append("-rtp_echo")
        if duration_ms is not None:
            args += ["-d", str(duration_ms)]
        sipp._spawn([*args, *extra], calls)
        return sipp

    @classmethod
    def uac(
        cls,
        binary: str,
        workdir: Path,
        target: str,
        *,
        service: str = "sipp",
        calls: int = 1,
        duration_ms: int = 1000,
        scenario_file: Path | None = None,
        extra: tuple[str, ...] = (),
        host: Host | None = None,
        address: str | None = None,
    ) -> Sipp:
        """Place ``calls`` calls to ``target`` (host:port) for R-URI user ``service``,
        from ``address`` in the lab ``host`` if given."""
        addr = address or (host.addrs[0] if host else procs.HOST)
        sipp = cls(binary, workdir, _ports(host, addr)[0], name="uac", address=addr, netns=host)
        args = ["-sf", str(scenario_file)] if scenario_file else ["-sn", "uac"]
        args += [target, "-s", service, "-d", str(duration_ms), "-r", "1", "-l", "1", *extra]
        sipp._spawn(args, calls)
        return sipp

    @property
    def uri_host(self) -> str:
        return f"{uri_host(self.address)}:{self.port}"

    @property
    def log_path(self) -> Path:
        return self.workdir / f"{self.name}.log"

    @property
    def stat_path(self) -> Path:
        return self.workdir / f"{self.name}_stat.csv"

    def wait_ready(self, timeout_s: float = 20.0) -> None:
        """Wait until SIPp has bound its SIP port (no probe traffic: it would count as a call)."""
        assert self.proc is not None
        if self.netns is None:
            procs.wait_udp_bound(self.port, self.proc, timeout_s)
        else:
            self.netns.wait_udp_bound(self.port, self.proc, timeout_s, addr=self.address)

    @property
    def returncode(self) -> int | None:
        return None if self.proc is None else self.proc.poll()

    def wait(self, timeout_s: float = 60.0) -> int:
        """Wait for SIPp to finish on its own; raises subprocess.TimeoutExpired."""
        assert self.proc is not None
        return self.proc.wait(timeout_s)

    def stop(self) -> int | None:
        """Stop by PID (SIGTERM, bounded wait, SIGKILL). Idempotent."""
        return procs.stop(self.proc) if self.proc is not None else None

    def stats(self) -> dict[str, str]:
        """The last row of the ``-trace_stat`` CSV (keys like ``SuccessfulCall(C)``)."""
        if not self.stat_path.exists():
            return {}
        rows = list(csv.DictReader(self.stat_path.read_text().splitlines(), delimiter=";"))
        return rows[-1] if rows else {}

    def count(self, key: str) -> int:
        """A cumulative counter from ``stats()``, e.g. ``count("SuccessfulCall")``."""
        value = self.stats().get(f"{key}(C)", "0")
        return int(value or 0)

    def log_tail(self, lines: int = 40) -> str:
        return procs.tail(self.log_path, lines)

    def _spawn(self, args: list[str], calls: int | None) -> None:
        argv = [self.binary, *args, "-i", self.address, "-p", str(self.port), "-nostdin"]
        argv += ["-trace_stat", "-stf", str(self.stat_path), "-fd", "1"]
        argv += ["-trace_err", "-error_file", str(self.workdir / f"{self.name}_errors.log")]
        argv += ["-timeout", "60s", "-timeout_error"]
        if calls is not None:
            argv += ["-m", str(calls)]
        self.workdir.mkdir(parents=True, exist_ok=True)
        if self.netns is None:
            self.proc = procs.spawn(argv, self.log_path, cwd=self.workdir)
        else:
            self.proc = self.netns.spawn(argv, self.log_path, cwd=self.workdir)


def _ports(host: Host | None, addr: str) -> tuple[int, int]:
    """Two free ports (SIP, RTP) on ``addr``, inside ``host``'s namespace if given."""
    if host is None:
        return procs.free_port(), procs.free_port()
    return host.free_port(addr), host.free_port(addr)
