"""``NetLab``: builds far hosts and NAT sites for one test, and tears all of it down.

See the package docstring (``tests/lab/net/__init__.py``) for the topologies.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from pathlib import Path
from typing import TypeVar

from tests.lab.net import links, names
from tests.lab.net.host import Host
from tests.lab.net.links import Uplink
from tests.lab.net.names import Subnet, ip
from tests.lab.net.nat import Nat, Router, build_nat

H = TypeVar("H", bound=Host)
ETC_NETNS = Path("/etc/netns")


class NetLab:
    """Owner of every namespace, veth and subnet claim made through it.

    ``close()`` stops every process started in its hosts (by PID, newest host
    first), deletes the root-side veths and the namespaces, and releases the
    subnet claims. It never raises, so one failure cannot leave the rest behind.
    """

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        workdir.mkdir(parents=True, exist_ok=True)
        self.pid = os.getpid()
        self.hosts: list[Host] = []
        self.uplinks: dict[str, Uplink] = {}
        self.subnets: list[Subnet] = []
        self.root_devs: list[str] = []
        self._had_etc_netns = ETC_NETNS.exists()

    def far(self, v4: bool = True, v6: bool = True) -> Host:
        """A far host joined to the root namespace by its own veth and subnet.

        Root side ``198.18.N.1`` / ``2001:db8:N::1``, far side ``.2`` / ``::2``.
        The far host has no default route: it reaches only what is on its links.
        """
        if not (v4 or v6):
            raise ValueError("a far host needs IPv4 or IPv6")
        base = names.new_name(self.pid)
        far = self._add(Host(f"{base}-far", "far"))
        link = Uplink(self._subnet(), base, "root0", far_ns=far.name)
        links.veth(base, None, link.far_dev, far.name)
        self.root_devs.append(base)
        links.root_sysctl(base, v6)
        if v4:
            link.root_v4 = link.subnet.v4(1)
            links.add_addr(None, base, link.root_v4)
        if v6:
            link.root_v6 = link.subnet.v6(1)
            links.add_addr(None, base, link.root_v6)
        self.uplinks[far.name] = link
        for family_on, is_v6 in ((v4, False), (v6, True)):
            if family_on:
                self._add_far_address(far, is_v6)
        far.add_address = lambda v6_: self._add_far_address(far, v6_)
        return far

    def uplink(self, far: Host) -> Uplink:
        """The root link of ``far`` (root-side addresses, device names, subnet)."""
        return self.uplinks[far.name]

    def renumber_root_side(self, far: Host, v6: bool = False) -> str:
        """Give root's end of ``far``'s link a new address in the same subnet; return it.

        The new address is added before the old one is deleted (``promote_secondaries``
        keeps the subnet route), so traffic never falls back to root's default route.
        """
        link = self.uplinks[far.name]
        old = link.root_v6 if v6 else link.root_v4
        if not old:
            raise ValueError(f"{far.name} has no IPv{6 if v6 else 4} uplink")
        new = (link.subnet.v6 if v6 else link.subnet.v4)(link.next_root)
        link.next_root += 1
        links.add_addr(None, link.root_dev, new)
        links.del_addr(None, link.root_dev, old)
        if v6:
            link.root_v6 = new
        else:
            link.root_v4 = new
        return new

    def nat(self, far: Host, firewall: bool = False) -> Nat:
        """A ``home`` host behind a masquerading ``router`` that reaches ``far`` (IPv4).

        ``firewall``: the router also drops unsolicited inbound packets, as home
        routers do (see ``nat.py`` for why that changes which port a mapping gets).
        """
        if not any(":" not in a for a in far.addrs):
            raise ValueError("the NAT site is IPv4 only; this far host has no IPv4 address")
        base = names.new_name(self.pid)
        router = self._add(Router(f"{base}-rtr", "router"))
        home = self._add(Host(f"{base}-home", "home"))
        return build_nat(far, router, home, self._subnet(), firewall)

    def close(self) -> None:
        """Tear everything down (see the class docstring). Idempotent."""
        for host in reversed(self.hosts):
            with contextlib.suppress(Exception):
                host.stop_processes()
        for dev in self.root_devs:
            ip("link", "del", dev, check=False)
        for host in reversed(self.hosts):
            _kill_leftovers(host.name)
            ip("netns", "del", host.name, check=False)
            shutil.rmtree(ETC_NETNS / host.name, ignore_errors=True)
        if not self._had_etc_netns:
            with contextlib.suppress(OSError):  # only if empty: other runs may use it
                ETC_NETNS.rmdir()
        for subnet in self.subnets:
            subnet.release()
        names.remove_claims_dir()
        self.hosts, self.root_devs, self.subnets = [], [], []
        self.uplinks.clear()

    def _add(self, host: H) -> H:
        self.hosts.append(host)  # first: close() must delete even a half-made namespace
        links.add_netns(host.name)
        return host

    def _subnet(self) -> Subnet:
        subnet = names.claim_subnet(self.pid)
        self.subnets.append(subnet)
        return subnet

    def _add_far_address(self, far: Host, v6: bool) -> str:
        link = self.uplinks[far.name]
        family = 6 if v6 else 4
        addr = (link.subnet.v6 if v6 else link.subnet.v4)(link.next_far[family])
        link.next_far[family] += 1
        links.add_addr(far.name, link.far_dev, addr)
        far.addrs.append(addr)
        for hook in far.on_new_address:
            hook(addr)
        return addr


def _kill_leftovers(netns: str) -> None:
    """Processes a test started inside without ``Host.spawn``: SIGKILL by PID."""
    for pid in ip("netns", "pids", netns, check=False).split():
        with contextlib.suppress(ProcessLookupError, ValueError):
            os.kill(int(pid), 9)
