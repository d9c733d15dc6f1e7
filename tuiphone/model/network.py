"""Networks: per-account NAT settings, the route an account's signalling takes, and
what the engine says when media does not flow."""

from __future__ import annotations

import enum
from dataclasses import dataclass


class IpVersion(enum.Enum):
    """Which address family an account uses for its server and its media."""

    AUTO = "auto"  # the order DNS and the routing table give (IPv4 first when both work)
    IPV4 = "ipv4"
    IPV6 = "ipv6"
    PREFER_IPV6 = "prefer-ipv6"


@dataclass(frozen=True, slots=True)
class TurnConfig:
    """A TURN relay for ICE (``[accounts.nat.turn]``). The password is a secret named
    ``turn:<account id>``; ``transport`` is how we reach the relay (udp | tcp)."""

    server: str
    username: str = ""
    transport: str = "udp"


@dataclass(frozen=True, slots=True)
class NatConfig:
    """``[accounts.nat]``: how an account copes with NAT.

    ``contact_rewrite`` follows what the registrar saw (``received``/``rport``): the
    Contact, Via and SDP then carry the public address. ``keepalive_s`` is the UDP
    keep-alive interval (0: off; TCP/TLS always send CRLF keep-alives). ``stun`` uses
    ``[engine] stun_servers`` when some are configured. ICE and TURN are off by default.
    """

    contact_rewrite: bool = True
    keepalive_s: int = 15
    stun: bool = True
    ice: bool = False
    turn: TurnConfig | None = None


@dataclass(frozen=True, slots=True)
class Hop:
    """One place a request can go: a resolved transport, address and port.

    ``name`` is the host name it came from (the SRV target or the URI's host; equal to
    ``address`` for a literal); TLS verifies the certificate against it.
    """

    transport: str  # "udp" | "tcp" | "tls"
    address: str  # an IP literal, without brackets
    port: int
    name: str

    @property
    def family(self) -> int:
        return 6 if ":" in self.address else 4

    @property
    def hostport(self) -> str:
        host = f"[{self.address}]" if self.family == 6 else self.address
        return f"{host}:{self.port}"


@dataclass(frozen=True, slots=True)
class Route:
    """How an account reaches its server right now (the engine decides, the backend applies).

    ``local_address`` is ours on the interface that routes to ``hop`` ("" if no route);
    it goes into Via, Contact and SDP until the registrar tells us a public address.
    ``proxy`` is the outbound proxy URI the backend must use (None: the configured one,
    or none). ``hop`` is None for direct accounts and when nothing could be resolved.
    """

    transport: str  # "udp" | "tcp" | "tls"
    family: int  # 4 or 6
    local_address: str = ""
    hop: Hop | None = None
    proxy: str | None = None

    @property
    def describe(self) -> str:
        if self.hop is None:
            return f"{self.transport} (no server route)"
        return f"{self.local_address or '?'} -> {self.hop.hostport}/{self.transport}"


@dataclass(frozen=True, slots=True)
class AccountRoute:
    """What a user sees of a route: the account, our address, the server and why.
    ``local_address`` is "" when nothing routes to the server; ``server`` is
    "address:port/transport" ("" when unresolved)."""

    account_id: str
    local_address: str
    server: str
    reason: str
