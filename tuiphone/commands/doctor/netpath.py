"""The registrar's network path: its DNS (RFC 3263, as the engine resolves it) and the
route and local address the kernel picks for the first hop. Blocking: run in a thread."""

from __future__ import annotations

import ipaddress

from tuiphone.commands import exitcodes
from tuiphone.commands.doctor.report import Finding, fail, ok
from tuiphone.model.account import AccountConfig
from tuiphone.model.network import Hop
from tuiphone.net.resolve import ResolveError, Resolver
from tuiphone.net.routes import local_address_for


def dns(account: AccountConfig, registrar: str, nameservers: tuple[str, ...]
        ) -> tuple[list[Hop], Finding]:
    """Every hop to ``registrar``, best first (none on failure), and the finding."""
    try:
        hops = Resolver(nameservers).hops(registrar, account.transport.value,
                                          account.ip_version)
    except (ResolveError, ValueError) as err:
        fix = ("check the registrar's host name in the config" +
               ("" if nameservers else ", or set [engine] nameservers"))
        return [], fail("dns", f"{registrar}: {err}", fix, exitcodes.NETWORK)
    if not hops:
        return [], fail("dns", f"{registrar}: no address of the allowed IP version "
                        f"({account.ip_version.value})",
                        "set ip_version = \"auto\" in the account", exitcodes.NETWORK)
    shown = ", ".join(f"{h.transport}:{h.hostport}" for h in hops[:4])
    more = f" (+{len(hops) - 4})" if len(hops) > 4 else ""
    return hops, ok("dns", f"{registrar} -> {shown}{more}")


def route(hop: Hop, bind_address: str | None) -> Finding:
    """Which of our addresses reaches ``hop``; a bind address that cannot reach it fails."""
    local = local_address_for(hop.address, hop.port)
    if local is None:
        return fail("route", f"no route to {hop.address}",
                    "check the network connection or VPN", exitcodes.NETWORK)
    if bind_address and not _can_reach(bind_address, local, hop.address):
        return fail("route", f"via {local}, but [engine] bind_address = {bind_address} "
                             f"cannot reach {hop.address}",
                    f'set [engine] bind_address = "{local}" (or remove it)', exitcodes.NETWORK)
    return ok("route", f"{hop.address} via local address {local}")


def _can_reach(bind: str, local: str, target: str) -> bool:
    try:
        bound = ipaddress.ip_address(bind)
    except ValueError:
        return True  # a host name: the engine resolves it; nothing to judge here
    if bound.is_unspecified:
        return True
    if bound.is_loopback:
        return ipaddress.ip_address(target).is_loopback
    return str(bound) == local

