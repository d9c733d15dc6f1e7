"""Who may send an out-of-dialog request to an account: one ``Door`` per account. Pure.

A request is taken when its source is the server the account sends to (its outbound
proxy, else its registrar: the address, port and transport it resolved, or the one
that answered its REGISTER), an address in ``accept_from``, or anyone under "any";
and, for an account that registers, when the Request-URI names the account's user.
Only a vouching source (server or listed address, never "any") is believed about a
caller's identity.
"""

from __future__ import annotations

import functools
import ipaddress
from collections.abc import Iterable
from dataclasses import dataclass, field

from tuiphone.model.account import AccountConfig
from tuiphone.model.network import Route
from tuiphone.model.trust import ANY, REGISTRAR, RefusalReason
from tuiphone.net.sipuri import ip_literal, parse_target

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
DEFAULT_PORTS = {"udp": 5060, "tcp": 5060, "tls": 5061}
TRANSPORTS = {1: "udp", 2: "tcp", 3: "tls"}  # pjsip_transport_type_e, without the IPv6 bit


@dataclass(frozen=True, slots=True)
class Source:
    """Where a request came from: a normalised IP, its port, and "udp"/"tcp"/"tls"
    ("" when the caller could not tell)."""

    address: str
    port: int
    transport: str = ""


@dataclass(frozen=True, slots=True)
class Server:
    address: str
    port: int
    transport: str = ""  # "" matches any

    def matches(self, src: Source) -> bool:
        if (src.address, src.port) != (self.address, self.port):
            return False
        return not (self.transport and src.transport) or self.transport == src.transport


@dataclass(slots=True)
class Door:
    """One account's rule. ``servers`` change with the route and each REGISTER answer."""

    account_id: str
    registers: bool
    anyone: bool
    via_server: bool
    networks: tuple[Network, ...]
    users: frozenset[str]
    silent: bool = False
    servers: set[Server] = field(default_factory=set)
    learned: set[Server] = field(default_factory=set)

    def vouches(self, src: Source) -> bool:
        """A source we believe about who is calling: our server, or a listed address."""
        if self.via_server and any(s.matches(src) for s in (*self.servers, *self.learned)):
            return True
        return bool(self.networks) and in_networks(src.address, self.networks)

    def judge(self, src: Source, method: str, ruri_user: str) -> RefusalReason | None:
        """None to take the request, else why it is refused."""
        trusted = self.vouches(src)
        if not (trusted or self.anyone):
            return RefusalReason.SOURCE
        if not self.registers or ruri_user.lower() in self.users:
            return None
        if not ruri_user and trusted and method == "OPTIONS":
            return None  # a server's keep-alive ping may name no user
        return RefusalReason.USER


def door_for(cfg: AccountConfig, contact: str = "") -> Door:
    """The rule of ``cfg``; servers come from ``set_route`` and ``learn``."""
    sources = cfg.trust.sources(cfg.registers)
    users = {u.lower() for u in (user_of(cfg.uri), cfg.username or "", user_of(contact)) if u}
    door = Door(
        account_id=cfg.id,
        registers=cfg.registers,
        anyone=ANY in sources,
        via_server=REGISTRAR in sources,
        networks=networks(s for s in sources if s not in (ANY, REGISTRAR)),
        users=frozenset(users),
        silent=cfg.trust.silent,
    )
    set_route(door, cfg, None)
    return door


def set_route(door: Door, cfg: AccountConfig, route: Route | None) -> None:
    """The server this account sends to: the route's hop, else literal addresses in its
    outbound proxy / registrar URIs (names are left to ``learn``)."""
    door.servers = set()
    if route is not None and route.hop is not None:
        hop = route.hop
        door.servers.add(Server(normal_ip(hop.address), hop.port, hop.transport))
        return
    first = cfg.proxy[0] if cfg.proxy else cfg.registrar
    if first is not None:
        server = literal_server(first)
        if server is not None:
            door.servers.add(server)


def learn(door: Door, source: str, transport: str) -> None:
    """A REGISTER was answered 2xx from ``source`` ("ip:port"): that is our server too.
    Only the latest answer is kept."""
    src = parse_source(source, transport)
    if src is not None:
        door.learned = {Server(src.address, src.port, transport)}


def literal_server(uri: str) -> Server | None:
    try:
        target = parse_target(uri)
    except ValueError:
        return None
    literal = ip_literal(target.host)
    if literal is None:
        return None
    kind = target.transport or ("tls" if target.secure else "")
    port = target.port or DEFAULT_PORTS.get(kind or "udp", 5060)
    return Server(literal, port, kind)


def networks(entries: Iterable[str]) -> tuple[Network, ...]:
    """Addresses and CIDRs as networks (the config reader has checked them)."""
    return tuple(ipaddress.ip_network(e, strict=False) for e in entries)


@functools.lru_cache(maxsize=4096)
def normal_ip(text: str) -> str:
    """The canonical text of an IP address (IPv4-mapped IPv6 becomes IPv4); ``text``
    itself when it is none."""
    try:
        addr = ipaddress.ip_address(text.strip("[]").split("%", 1)[0])
    except ValueError:
        return text
    if isinstance(addr, ipaddress.IPv6Address) and addr.ipv4_mapped is not None:
        return str(addr.ipv4_mapped)
    return str(addr)


@functools.lru_cache(maxsize=4096)
def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def in_networks(address: str, nets: tuple[Network, ...]) -> bool:
    addr = _address(address)
    return addr is not None and any(addr.version == n.version and addr in n for n in nets)


def parse_source(text: str, transport: str = "") -> Source | None:
    """ "ip:port" or "[v6]:port" (as pjsua2's ``srcAddress``) as a Source."""
    host, sep, port = text.rpartition(":")
    if not sep or not port.isdigit():
        return None
    return Source(normal_ip(host), int(port), transport)


def user_of(uri: str) -> str:
    """The unescaped user part of a SIP URI or name-addr ("" if none)."""
    text = uri.strip()
    if "<" in text:
        text = text.split("<", 1)[1].split(">", 1)[0]
    rest = text.split(":", 1)[1] if ":" in text else ""
    if "@" not in rest:
        return ""
    user = rest.rsplit("@", 1)[0].split(";", 1)[0].split(":", 1)[0]
    return _unescape(user)


def _unescape(text: str) -> str:
    if "%" not in text:
        return text
    from urllib.parse import unquote

    return unquote(text)
