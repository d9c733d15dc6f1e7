"""``Host``: one network namespace of the lab, with ways to run things inside it.

Processes go through ``ip netns exec`` (which execs, so the Popen pid *is* the
server: ``procs.stop`` kills its session by that pid). Python code and sockets go
through ``nsenter.call_in`` (a helper thread inside the namespace). Port waits read
the namespace's own ``/proc/thread-self/net/{udp,tcp}``, never root's.
"""

from __future__ import annotations

import contextlib
import socket
import subprocess
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from tests.lab import procs
from tests.lab.net import loss, nsenter

T = TypeVar("T")
PROC_NET = "/proc/thread-self/net"


class CommandError(subprocess.CalledProcessError):
    """``CalledProcessError`` whose message includes the command's stderr."""

    def __str__(self) -> str:
        return f"{super().__str__()}\n{self.stderr}"


@dataclass(eq=False)
class Host:
    """A namespace called ``name``. ``addrs`` are the addresses servers here listen on.

    Everything started with ``spawn`` is stopped by PID in ``stop_processes`` (the
    lab calls it before deleting the namespace).
    """

    name: str
    role: str
    addrs: list[str] = field(default_factory=list)
    procs: list[subprocess.Popen[bytes]] = field(default_factory=list, repr=False)
    add_address: Callable[[bool], str] | None = field(default=None, repr=False)
    on_new_address: list[Callable[[str], None]] = field(default_factory=list, repr=False)

    @property
    def v4(self) -> str:
        """The first IPv4 address; LookupError on an IPv6-only host."""
        return self._first(lambda a: ":" not in a, "IPv4")

    @property
    def v6(self) -> str:
        """The first IPv6 address; LookupError on an IPv4-only host."""
        return self._first(lambda a: ":" in a, "IPv6")

    def run(
        self,
        argv: Sequence[str],
        check: bool = True,
        input: str | None = None,
        timeout: float = 30.0,
        env: Mapping[str, str] | None = None,
        cwd: Path | None = None,
    ) -> subprocess.CompletedProcess[str]:
        """Run ``argv`` inside, capture text output; ``CommandError`` (a CalledProcessError
        with stderr in its message) if ``check`` and it fails."""
        done = subprocess.run(
            ["ip", "netns", "exec", self.name, *argv],
            input=input,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
            env=dict(env) if env is not None else None,
            cwd=cwd,
        )
        if check and done.returncode != 0:
            raise CommandError(done.returncode, done.args, done.stdout, done.stderr)
        return done

    def spawn(
        self,
        argv: Sequence[str],
        log_path: Path,
        env: Mapping[str, str] | None = None,
        cwd: Path | None = None,
    ) -> subprocess.Popen[bytes]:
        """Start ``argv`` inside (own session, output to ``log_path``); stopped at teardown."""
        proc = procs.spawn(["ip", "netns", "exec", self.name, *argv], log_path, cwd=cwd, env=env)
        self.procs.append(proc)
        return proc

    def call(self, fn: Callable[..., T], *args: object) -> T:
        """``fn(*args)`` in a helper thread inside this namespace."""
        return nsenter.call_in(self.name, fn, *args)

    def entered(self) -> contextlib.AbstractContextManager[None]:
        """``with host.entered():`` runs the calling thread inside, then returns it to root.

        Threads started in the block stay inside for good (see ``nsenter.entered``).
        """
        return nsenter.entered(self.name)

    def socket(self, family: int = socket.AF_INET, kind: int = socket.SOCK_DGRAM) -> socket.socket:
        """A socket that lives in this namespace (usable from any thread)."""
        return nsenter.socket_in(self.name, family, kind)

    def free_port(self, addr: str | None = None) -> int:
        """A UDP+TCP port free on ``addr`` (default: the first address) in this namespace."""
        return self.call(procs.free_port, addr or self.addrs[0])

    def wait_udp_bound(
        self,
        port: int,
        proc: subprocess.Popen[bytes],
        timeout: float = 10.0,
        addr: str | None = None,
    ) -> None:
        """Until something here binds UDP ``port`` (on ``addr`` or the wildcard)."""
        self.call(procs.wait_udp_bound, port, proc, timeout, PROC_NET, addr)

    def wait_tcp_listening(
        self,
        port: int,
        proc: subprocess.Popen[bytes],
        timeout: float = 10.0,
        addr: str | None = None,
    ) -> None:
        """Until something here listens on TCP ``port`` (on ``addr`` or the wildcard)."""
        self.call(procs.wait_tcp_listening, port, proc, timeout, PROC_NET, addr)

    def nft(self, script: str) -> str:
        """Feed ``script`` to ``nft -e -a -f -`` inside; returns the echo (with handles)."""
        return self.run(["nft", "-e", "-a", "-f", "-"], input=script).stdout

    def drop_udp(
        self,
        percent: int,
        *,
        dport_range: tuple[int, int] | None = None,
        sport_range: tuple[int, int] | None = None,
        direction: loss.Direction = "out",
        dst: str | None = None,
    ) -> loss.DropRule:
        """Drop ``percent`` % of matching UDP datagrams (100: all); ``.remove()`` undoes it.

        ``direction``: ``out`` what this host sends (silently, on every interface it
        has now), ``in`` what it receives, ``forward`` what it routes (a NAT router).
        ``dst`` matches the destination address. See ``loss.py``.
        """
        text = loss.rule_text(percent, dport_range, sport_range, dst)
        return loss.add_rule(self.nft, direction, text, self.interfaces())

    def interfaces(self) -> list[str]:
        """Names of this namespace's interfaces other than ``lo``."""
        lines = self.run(["ip", "-br", "link"]).stdout.splitlines()
        names = (line.split()[0].split("@")[0] for line in lines if line.strip())
        return [name for name in names if name != "lo"]

    def sysctl(self, key: str, value: str | int) -> str:
        """Set ``key`` inside and return what reads back (the caller compares)."""
        self.run(["sysctl", "-q", "-w", f"{key}={value}"])
        return self.run(["sysctl", "-n", key]).stdout.strip()

    def set_resolver(self, *nameservers: str) -> Path:
        """Point ``/etc/resolv.conf`` of processes started here at ``nameservers``.

        ``ip netns exec`` bind-mounts ``/etc/netns/<name>/resolv.conf`` over it, so this
        affects ``run``/``spawn`` (e.g. the CLI's getaddrinfo), not ``call``/``socket``.
        The lab deletes the directory at teardown.
        """
        path = Path("/etc/netns", self.name, "resolv.conf")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("".join(f"nameserver {ns}\n" for ns in nameservers))
        return path

    def extra_address(self, v6: bool = False) -> str:
        """Add one more address to this host's uplink and return it (far hosts only)."""
        if self.add_address is None:
            raise RuntimeError(f"{self.role} host {self.name} has no uplink to number")
        return self.add_address(v6)

    def stop_processes(self) -> None:
        """Stop everything ``spawn`` started, newest first, by PID (bounded, idempotent)."""
        for proc in reversed(self.procs):
            procs.stop(proc, timeout_s=5.0)

    def _first(self, wanted: Callable[[str], bool], family: str) -> str:
        found = next((a for a in self.addrs if wanted(a)), None)
        if found is None:
            raise LookupError(f"{self.role} host {self.name} has no {family} address")
        return found
