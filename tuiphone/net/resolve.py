"""RFC 3263: which transport, address and port a SIP URI leads to.

NAPTR picks the transport (when neither the URI nor the account names one), SRV
gives the ordered targets with their ports, A/AAAA their addresses. The result is
every hop in the order to try them, so the engine can fail over to the next one.
Blocking (DNS): call it from a worker thread.
"""

from __future__ import annotations

import random
import socket
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from tuiphone.model.network import Hop, IpVersion
from tuiphone.net.sipuri import UriTarget, ip_literal, parse_target

if TYPE_CHECKING:
    import dns.resolver

DEFAULT_PORT = {"udp": 5060, "tcp": 5060, "tls": 5061}
SRV_PREFIX = {"udp": "_sip._udp", "tcp": "_sip._tcp", "tls": "_sips._tcp"}
NAPTR_SERVICE = {"SIP+D2U": "udp", "SIP+D2T": "tcp", "SIPS+D2T": "tls"}
AUTO_ORDER = ("udp", "tcp", "tls")  # our preference when the server offers several
QUERY_TIMEOUT_S = 2.0


class ResolveError(Exception):
    """The URI's host has no usable address (NXDOMAIN, no records, DNS timed out)."""


SPECIAL_NEGATIVE = (".invalid",)  # RFC 6761 6.4: resolvers answer "no" without asking


@dataclass(frozen=True, slots=True)
class _Srv:
    priority: int
    weight: int
    port: int
    target: str


class Resolver:
    """RFC 3263 over ``nameservers`` (an empty tuple: the system's resolver only)."""

    def __init__(self, nameservers: Sequence[str] = (), timeout_s: float = QUERY_TIMEOUT_S):
        # dnspython (~40 ms to import) loads on the first name lookup, not here: an
        # account whose registrar is an IP literal never needs it
        self._nameservers = list(nameservers)
        self._timeout_s = timeout_s
        self._dns: dns.resolver.Resolver | None = None

    def _own_resolver(self) -> dns.resolver.Resolver | None:
        if self._dns is None and self._nameservers:
            import dns.resolver

            resolver = dns.resolver.Resolver(configure=False)
            resolver.nameservers = list(self._nameservers)
            resolver.lifetime = self._timeout_s
            resolver.timeout = self._timeout_s / 2
            self._dns = resolver
        return self._dns

    def hops(self, uri: str, transport: str = "auto", version: IpVersion = IpVersion.AUTO
             ) -> list[Hop]:
        """Every hop for ``uri``, best first. ``transport`` is the account's choice
        ("auto" lets the URI and DNS decide). Raises ResolveError, ValueError (bad URI)."""
        target = parse_target(uri)
        forced = target.transport or ("" if transport == "auto" else transport)
        if target.secure:
            forced = "tls"
        literal = ip_literal(target.host)
        if literal is not None:
            kind = forced or "udp"
            port = target.port or DEFAULT_PORT[kind]
            return [Hop(kind, literal, port, literal)]
        if target.port:
            kind = forced or "udp"
            return _ordered(self._addresses(target.host, kind, target.port), version)
        return _ordered(self._by_name(target, forced), version)

    def _by_name(self, target: UriTarget, forced: str) -> list[Hop]:
        if target.host.rstrip(".").endswith(SPECIAL_NEGATIVE):
            raise ResolveError(f"{target.host} does not resolve")
        kinds = [forced] if forced else self._naptr_kinds(target.host)
        for kind in kinds or (AUTO_ORDER if not target.secure else ("tls",)):
            srvs = self._srv(f"{SRV_PREFIX[kind]}.{target.host}")
            if srvs:
                return [h for s in _srv_order(srvs) for h in self._addresses(s.target, kind,
                                                                             s.port)]
        kind = forced or ("tls" if target.secure else "udp")
        return self._addresses(target.host, kind, DEFAULT_PORT[kind])

    def _naptr_kinds(self, host: str) -> list[str]:
        """Transports the domain's NAPTR records offer, in their order (RFC 3263 4.1)."""
        records = []
        for rr in self._query(host, "NAPTR"):
            service = rr.service.decode("ascii", "replace").upper()
            if rr.flags.decode("ascii", "replace").lower() == "s" and service in NAPTR_SERVICE:
                records.append((rr.order, rr.preference, NAPTR_SERVICE[service]))
        return list(dict.fromkeys(kind for *_, kind in sorted(records)))

    def _srv(self, name: str) -> list[_Srv]:
        found = [_Srv(rr.priority, rr.weight, rr.port, str(rr.target).rstrip("."))
                 for rr in self._query(name, "SRV")]
        return [s for s in found if s.target]  # "." means: not offered here

    def _addresses(self, host: str, kind: str, port: int) -> list[Hop]:
        if host.rstrip(".").endswith(SPECIAL_NEGATIVE):
            raise ResolveError(f"{host} does not resolve")
        addresses = [str(rr.address) for rtype in ("AAAA", "A") for rr in self._query(host, rtype)]
        if not addresses:
            addresses = _system_addresses(host)  # /etc/hosts, mDNS, the stub resolver
        if not addresses:
            raise ResolveError(f"{host} does not resolve")
        return [Hop(kind, a, port, host) for a in dict.fromkeys(addresses)]

    def _query(self, name: str, rtype: str) -> Iterable[Any]:
        import dns.exception
        import dns.resolver

        own = self._own_resolver()
        if own is None:
            if rtype in ("A", "AAAA"):
                return ()
            resolver: dns.resolver.Resolver = dns.resolver.get_default_resolver()
        else:
            resolver = own
        try:
            return list(resolver.resolve(name, rtype, raise_on_no_answer=False,
                                         lifetime=QUERY_TIMEOUT_S))
        except (dns.exception.DNSException, OSError):
            return ()


def _system_addresses(host: str) -> list[str]:
    try:
        infos = socket.getaddrinfo(host, None, type=socket.SOCK_DGRAM)
    except (OSError, UnicodeError):
        return []
    return [str(info[4][0]).split("%", 1)[0] for info in infos]


def _srv_order(records: list[_Srv]) -> list[_Srv]:
    """RFC 2782: by priority; within one, a weighted random order."""
    out: list[_Srv] = []
    for priority in sorted({r.priority for r in records}):
        group = [r for r in records if r.priority == priority]
        while group:
            total = sum(r.weight for r in group)
            pick = random.uniform(0, total) if total else 0  # noqa: S311 - not security
            for record in group:
                pick -= record.weight
                if pick <= 0 or record is group[-1]:
                    out.append(record)
                    group.remove(record)
                    break
    return out


def _ordered(hops: list[Hop], version: IpVersion) -> list[Hop]:
    """Keep the families ``version`` allows, in its order (stable within a family)."""
    if version is IpVersion.IPV4:
        return [h for h in hops if h.family == 4]
    if version is IpVersion.IPV6:
        return [h for h in hops if h.family == 6]
    first = 6 if version is IpVersion.PREFER_IPV6 else 4
    rank = {name: i for i, name in reversed(list(enumerate(h.name for h in hops)))}
    return sorted(hops, key=lambda h: (rank[h.name], h.family != first))
