"""Veth pairs and addresses: the few ``ip`` invocations the topologies are made of.

IPv6 addresses are added with ``nodad`` (Duplicate Address Detection would keep a
fresh address "tentative", unusable, for about a second) and every veth gets
``addrgenmode none``, so no link-local addresses and no router solicitations.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from tests.lab.net.names import Subnet, ip

ROOT_FIRST = 100  # root-side hosts number 1, then 100, 101, ... after renumbering


def add_netns(name: str) -> None:
    ip("netns", "add", name)
    ip("-n", name, "link", "set", "lo", "up")


def veth(a: str, a_ns: str | None, b: str, b_ns: str) -> None:
    """A veth pair ``a`` (in ``a_ns``, None = root) <-> ``b`` (in ``b_ns``), both up."""
    where = ["-n", a_ns] if a_ns else []
    ip(*where, "link", "add", a, "type", "veth", "peer", "name", b, "netns", b_ns)
    for ns, dev in ((a_ns, a), (b_ns, b)):
        on = ["-n", ns] if ns else []
        ip(*on, "link", "set", dev, "addrgenmode", "none", check=False)  # fails if v6 is off
        ip(*on, "link", "set", dev, "up")


def add_addr(ns: str | None, dev: str, addr: str) -> None:
    """``addr`` (v4 /24 or v6 /64) on ``dev``."""
    on = ["-n", ns] if ns else []
    if ":" in addr:
        ip(*on, "-6", "addr", "add", f"{addr}/64", "dev", dev, "nodad")
    else:
        ip(*on, "addr", "add", f"{addr}/24", "dev", dev)


def del_addr(ns: str | None, dev: str, addr: str) -> None:
    on = ["-n", ns] if ns else []
    ip(*on, "addr", "del", f"{addr}/{64 if ':' in addr else 24}", "dev", dev)


def root_sysctl(dev: str, v6: bool) -> None:
    """Per-interface settings on a root-side veth (they vanish with it).

    ``promote_secondaries`` lets renumbering add the new address before deleting the
    old one without losing the subnet route; ``disable_ipv6=0`` undoes a host-wide
    IPv6 switch-off (common in containers) for this one interface.
    """
    Path(f"/proc/sys/net/ipv4/conf/{dev}/promote_secondaries").write_text("1")
    if v6:
        Path(f"/proc/sys/net/ipv6/conf/{dev}/disable_ipv6").write_text("0")


@dataclass(slots=True)
class Uplink:
    """The veth between root (``root_dev``) and a far host (``far_dev``) on ``subnet``.

    ``root_v4``/``root_v6`` are the root side's current addresses ('' if that family
    is off); the far side numbers from .2 upwards.
    """

    subnet: Subnet
    root_dev: str
    far_dev: str
    root_v4: str = ""
    root_v6: str = ""
    next_far: dict[int, int] = field(default_factory=lambda: {4: 2, 6: 2})
    next_root: int = ROOT_FIRST
    far_ns: str = field(default="", repr=False)
