"""Just enough SIP URI parsing to route a request: scheme, host, port, transport."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class UriTarget:
    """Where a SIP URI points. ``host`` has no brackets; ``port`` is 0 when absent;
    ``transport`` is the URI's ``transport`` parameter in lower case ("" when absent)."""

    secure: bool
    host: str
    port: int
    transport: str

    @property
    def is_literal(self) -> bool:
        return ip_literal(self.host) is not None


def ip_literal(host: str) -> str | None:
    """The normalised IP address if ``host`` is an IPv4/IPv6 literal, else None."""
    try:
        return str(ipaddress.ip_address(host.strip("[]").split("%", 1)[0]))
    except ValueError:
        return None


def parse_target(uri: str) -> UriTarget:
    """Parse ``sip:``/``sips:`` URIs and name-addrs (``"Bob" <sip:bob@host>``).

    Raises ValueError for anything else.
    """
    text = uri.strip()
    if "<" in text:
        text = text.split("<", 1)[1].split(">", 1)[0]
    scheme, colon, rest = text.partition(":")
    if not colon or scheme.lower() not in ("sip", "sips"):
        raise ValueError(f"not a SIP URI: {uri!r}")
    rest, _, params = rest.partition(";")
    hostport = rest.rsplit("@", 1)[-1].split("?", 1)[0]
    host, port = _split_hostport(hostport)
    if not host:
        raise ValueError(f"no host in {uri!r}")
    return UriTarget(scheme.lower() == "sips", host, port, _param(params, "transport"))


def _split_hostport(hostport: str) -> tuple[str, int]:
    if hostport.startswith("["):
        host, _, tail = hostport[1:].partition("]")
        port = tail[1:] if tail.startswith(":") else ""
    elif hostport.count(":") == 1:
        host, port = hostport.split(":")
    else:
        host, port = hostport, ""  # a bare IPv6 literal has several colons
    if port and not port.isdigit():
        raise ValueError(f"bad port in {hostport!r}")
    return host.lower(), int(port) if port else 0


def _param(params: str, name: str) -> str:
    for item in params.split(";"):
        key, _, value = item.partition("=")
        if key.strip().lower() == name:
            return value.strip().lower()
    return ""


def hop_uri(transport: str, host: str, port: int) -> str:
    """A loose-routing outbound proxy URI for one hop (``;lr`` so it is a Route)."""
    shown = f"[{host}]" if ":" in host else host
    tail = "" if transport == "udp" else f";transport={transport}"
    return f"sip:{shown}:{port};lr{tail}"
