"""Network settings: ``[accounts.nat]`` (with ``[accounts.nat.turn]``) and the
addresses in ``[engine]`` (bind_address, nameservers, stun_servers)."""

from __future__ import annotations

import ipaddress
import re

from tuiphone.config.reader import Reader
from tuiphone.config.schema import SecretSpec
from tuiphone.config.secrets import parse_secret
from tuiphone.model.network import NatConfig, TurnConfig

_HOSTPORT = re.compile(r"^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(:\d{1,5})?$")
TURN_TRANSPORTS = ("udp", "tcp")


def is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def ip_address(reader: Reader, key: str) -> str | None:
    """An optional IPv4/IPv6 address (no brackets, no port)."""
    value = reader.opt_text(key)
    if value is not None and not is_ip(value):
        reader.error(key, f"{value!r} is not an IP address (e.g. '192.0.2.10' or '::')")
        return None
    return value


def ip_addresses(reader: Reader, key: str) -> tuple[str, ...]:
    values = reader.strings(key)
    bad = [v for v in values if not is_ip(v)]
    if bad:
        reader.error(key, f"not an IP address: {', '.join(map(repr, bad))}")
    return tuple(v for v in values if is_ip(v))


def host_ports(reader: Reader, key: str) -> tuple[str, ...]:
    """'host' or 'host:port' entries ('[v6]:port' for IPv6)."""
    values = tuple(v.removeprefix("stun:").removeprefix("turn:") for v in reader.strings(key))
    bad = [v for v in values if not _HOSTPORT.match(v) and not is_ip(v)]
    if bad:
        reader.error(key, f"expected host or host:port, got {', '.join(map(repr, bad))}")
    return tuple(v for v in values if v not in bad)


def parse_nat(account: Reader, account_id: str, file_mode: int | None
              ) -> tuple[NatConfig, SecretSpec | None]:
    """``[accounts.nat]``; the TURN password spec is named ``turn:<account id>``."""
    reader = account.table("nat")
    defaults = NatConfig()
    legacy_ice = account.flag("ice", False)
    if account.data.get("ice") is not None:
        account.problems.warn(account.at("ice"), "moved: write it as [accounts.nat] ice")
    turn, secret = _turn(reader, account_id, file_mode)
    nat = NatConfig(
        contact_rewrite=reader.flag("contact_rewrite", defaults.contact_rewrite),
        keepalive_s=reader.integer("keepalive", defaults.keepalive_s, 0, 3600),
        stun=reader.flag("stun", defaults.stun),
        ice=reader.flag("ice", legacy_ice),
        turn=turn,
    )
    if turn is not None and not nat.ice:
        reader.error("turn", "TURN relays ICE candidates: set ice = true as well")
    reader.finish()
    return nat, secret


def _turn(nat: Reader, account_id: str, file_mode: int | None
          ) -> tuple[TurnConfig | None, SecretSpec | None]:
    if nat.data.get("turn") is None:
        nat.get("turn")
        return None, None
    reader = nat.table("turn")
    server = reader.required_text("server")
    if server is not None:
        server = server.removeprefix("turn:")
        if not _HOSTPORT.match(server):
            reader.error("server", f"expected host or host:port, got {server!r}")
            server = None
    turn = TurnConfig(
        server=server or "",
        username=reader.text("username", ""),
        transport=reader.one_of("transport", TURN_TRANSPORTS, "udp"),
    )
    secret = parse_secret(reader, f"turn:{account_id}", file_mode)
    reader.finish()
    return (turn if server else None), secret
