"""A NAT site: ``home`` behind a masquerading ``router`` whose far side faces a far host.

``router.public_address`` is the router's address on its own veth to the far host
(a fresh 198.18.M.0/24: router .1, far .2). The router has a /32 route to each of
the far host's addresses (via 198.18.M.2) and nothing else: no default route, so
home can reach the far host's servers and nothing beyond. The far host answers the
router's public address on-link and has no route to 192.168.77.0/24.
"""

from __future__ import annotations

from dataclasses import dataclass

from tests.lab.net import links
from tests.lab.net.host import Host
from tests.lab.net.names import Subnet, ip

HOME_NET = "192.168.77"
MASQUERADE = """table ip nat {{
  chain post {{
    type nat hook postrouting priority 100;
    oifname "{dev}" masquerade
  }}
}}
"""
# A home router's WAN firewall: unsolicited packets are dropped before conntrack
# confirms an entry for them, so they cannot occupy a port the NAT would reuse.
FIREWALL = """table inet wan {{
  chain input {{
    type filter hook input priority 0;
    iifname "{dev}" ct state new drop
  }}
  chain forward {{
    type filter hook forward priority 0;
    iifname "{dev}" ct state new drop
  }}
}}
"""
UDP_TIMEOUTS = (
    "net.netfilter.nf_conntrack_udp_timeout",
    "net.netfilter.nf_conntrack_udp_timeout_stream",
)


@dataclass(eq=False)
class Router(Host):
    """The NAT router (a ``Host``); ``public_address`` is what the far host sees."""

    public_address: str = ""
    far_dev: str = "far0"

    def set_udp_timeout(self, seconds: int) -> None:
        """Set both UDP conntrack timeouts (single and stream); RuntimeError if not taken."""
        for key in UDP_TIMEOUTS:
            got = self.sysctl(key, seconds)
            if got != str(seconds):
                raise RuntimeError(f"{key} reads back {got!r}, not {seconds}")

    def udp_timeouts(self) -> tuple[int, int]:
        """The current (udp_timeout, udp_timeout_stream) inside the router."""
        single, stream = (int(self.run(["sysctl", "-n", k]).stdout) for k in UDP_TIMEOUTS)
        return single, stream

    def conntrack(self) -> str:
        """``conntrack -L -p udp`` inside the router: the NAT's current UDP mappings."""
        return self.run(["conntrack", "-L", "-p", "udp"]).stdout


@dataclass(frozen=True, slots=True)
class Nat:
    """``home`` (192.168.77.2, default route via the router) and the ``router``."""

    home: Host
    router: Router


def build_nat(far: Host, router: Router, home: Host, subnet: Subnet, firewall: bool) -> Nat:
    """Wire ``router`` and ``home`` (fresh namespaces) to ``far``; see the module doc."""
    far_dev = f"rtr{sum(d.startswith('rtr') for d in _devs(far.name))}"
    links.veth(router.far_dev, router.name, far_dev, far.name)
    router.public_address = subnet.v4(1)
    links.add_addr(router.name, router.far_dev, router.public_address)
    links.add_addr(far.name, far_dev, subnet.v4(2))
    links.veth("home0", router.name, "rtr0", home.name)
    links.add_addr(router.name, "home0", f"{HOME_NET}.1")
    links.add_addr(home.name, "rtr0", f"{HOME_NET}.2")
    ip("-n", home.name, "route", "add", "default", "via", f"{HOME_NET}.1")
    router.addrs += [router.public_address, f"{HOME_NET}.1"]
    home.addrs.append(f"{HOME_NET}.2")
    router.sysctl("net.ipv4.ip_forward", 1)
    router.nft(MASQUERADE.format(dev=router.far_dev))
    if firewall:
        router.nft(FIREWALL.format(dev=router.far_dev))

    def route_to(addr: str) -> None:
        if ":" not in addr:
            ip("-n", router.name, "route", "add", f"{addr}/32", "via", subnet.v4(2))

    for addr in far.addrs:
        route_to(addr)
    far.on_new_address.append(route_to)
    return Nat(home, router)


def _devs(netns: str) -> list[str]:
    return [line.split()[0].split("@")[0] for line in ip("-n", netns, "-br", "link").splitlines()]
