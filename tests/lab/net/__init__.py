"""The network-namespace lab: SIP servers on "far hosts", behind NAT, IPv6-only, with
DNS, STUN/TURN, a media relay and packet loss. Linux only; needs root.

Fixtures (``tests/lab/conftest.py`` imports them; elsewhere import them from
``tests.lab.net.fixtures``): ``netlab`` (a ``NetLab``, function scope),
``dnsmasq_factory``, ``coturn_factory``, ``rtpengine_factory``; the existing
``kamailio_factory``, ``baresip_factory`` and ``sipp_factory`` take ``host=``.

Far host: ``far = netlab.far()`` (``v4``/``v6`` switch the families)::

    root namespace (the test, pytest, pjsua2)           far namespace
    eth0 192.0.2.2 (default route, untouched)
    tpl<pid>-<n>  198.18.N.1/24  ====== veth ======  root0  198.18.N.2/24
                  2001:db8:N::1/64                          2001:db8:N::2/64
                  (netlab.uplink(far).root_v4/_v6)          (far.v4 / far.v6 / far.addrs)

  N is a /24 claimed per link from 198.18.0.0/15 (see ``names.py``). The far host has
  no default route: it reaches only its links. ``far.extra_address()`` adds .3, .4, ...
  (e.g. two Kamailio SRV targets); ``netlab.renumber_root_side(far)`` moves root's end
  to .100, .101, ... (address-change tests). Root reaches the far host directly, so a
  phone in the test process talks to far servers over the veth while eth0 stays the
  default route: the multi-homed laptop-on-a-VPN shape.

NAT site: ``nat = netlab.nat(far)`` (IPv4 only)::

    home ns                  router ns                           far ns
    rtr0 192.168.77.2 ==== home0 192.168.77.1                    root0 198.18.N.2  (+ root link)
    default via .1           far0  198.18.M.1 ===== veth ======  rtrK  198.18.M.2
                             masquerade out of far0
                             /32 routes to the far addresses only

  ``nat.router.public_address`` (198.18.M.1) is the source the far host sees. The
  far host answers it on-link and has no route to 192.168.77.0/24. The far host
  keeps its root link: servers listen on ``far.v4`` (198.18.N.2), reached from home
  through the router and from the test directly (control traffic, readiness probes)
  without crossing the NAT. ``nat.router.set_udp_timeout(s)`` sets the conntrack UDP
  timeouts; ``nat.router.conntrack()`` lists the mappings. ``netlab.nat(far,
  firewall=True)`` also drops unsolicited inbound packets, as home routers do: without
  it, a far peer's early packets create conntrack entries that push the phone's own
  mapping to another public port (ICE then sees a peer-reflexive address).

Code in namespaces: ``host.run(argv)`` / ``host.spawn(argv, log)`` go through
``ip netns exec`` (spawned processes are stopped by PID at teardown);
``host.socket()`` and ``host.call(fn)`` run Python inside the namespace from a
helper thread, so the test never leaves root. ``host.set_resolver(addr)`` sets
``/etc/resolv.conf`` for processes started there.

Loss: ``rule = host.drop_udp(10, dport_range=(4000, 4100), direction="in")``
(``out``, ``in`` or ``forward``; ``dst=`` matches the destination; 100 drops all);
``rule.dropped()`` counts, ``rule.remove()`` ends it. E.g. RTP towards a phone in
root only: ``far.drop_udp(100, direction="out", dst=netlab.uplink(far).root_v4)``.

Teardown (also when the test fails): processes by PID, newest host first; root
veths; namespaces (processes still inside are SIGKILLed by PID); ``/etc/netns/<ns>``;
subnet claims. A session fixture first sweeps what runs whose pid is dead left.
"""

from tests.lab.net.host import Host
from tests.lab.net.lab import NetLab
from tests.lab.net.nat import Nat, Router

__all__ = ["Host", "Nat", "NetLab", "Router"]
