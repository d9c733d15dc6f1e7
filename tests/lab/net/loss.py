"""Random UDP loss with nftables (netem is not in this kernel), silent like real loss.

Directions, seen from the host the rule is on:

* ``out``, what the host sends: ``table netdev tpl_loss_dev``, one ``egress`` chain
  per interface (``egress_<dev>``). Dropped there, ``sendto()`` still succeeds. A drop
  in the inet *output* hook would instead make the sender's ``sendto()`` fail with
  EPERM, and baresip gives up a registration over that, Kamailio turns it into
  a 5xx: not what lost packets do. The rule covers the interfaces the host has
  when the rule is made.
* ``in``, what the host receives: ``table inet tpl_loss`` chain ``input``.
* ``forward``, what a router passes on: ``table inet tpl_loss`` chain ``forward``.

A rule is ``[ip|ip6 daddr DST] udp dport A-B udp sport C-D [numgen random mod 100 < N]
counter drop``; at 100 % the numgen term is left out, so nothing gets through. The
counter tells a test exactly how many datagrams were dropped (``DropRule.dropped()``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

TABLE = "inet tpl_loss"
DEV_TABLE = "netdev tpl_loss_dev"
Direction = Literal["out", "in", "forward"]
_RULE_HANDLE = re.compile(r"^add rule (\S+ \S+) (\S+) .*# handle (\d+)$", re.M)
_PACKETS = re.compile(r"counter packets (\d+) ")

Nft = Callable[[str], str]


@dataclass(slots=True)
class DropRule:
    """One installed drop rule (one nft rule per chain it lives in); ``remove()`` undoes it."""

    nft: Nft
    places: list[tuple[str, str, int]]  # (family table, chain, handle)
    text: str
    removed: bool = False

    def dropped(self) -> int:
        """Packets this rule has dropped so far (its nft counters); 0 once removed."""
        return 0 if self.removed else sum(self._count(*place) for place in self.places)

    def remove(self) -> None:
        """Delete the rule from every chain (idempotent)."""
        if not self.removed:
            self.nft("".join(f"delete rule {t} {c} handle {h}\n" for t, c, h in self.places))
            self.removed = True

    def _count(self, table: str, chain: str, handle: int) -> int:
        listing = self.nft(f"list chain {table} {chain}")
        for line in listing.splitlines():
            if line.rstrip().endswith(f"# handle {handle}"):
                match = _PACKETS.search(line)
                return int(match[1]) if match else 0
        raise RuntimeError(f"rule {handle} not found in {table} {chain}: {listing!r}")


def rule_text(
    percent: int,
    dport_range: tuple[int, int] | None,
    sport_range: tuple[int, int] | None,
    dst: str | None,
) -> str:
    """The match-and-drop part of a rule (see the module docstring)."""
    if not 0 < percent <= 100:
        raise ValueError(f"percent must be in 1..100, not {percent}")
    parts = ["meta l4proto udp"]
    if dst is not None:
        parts.append(f"{'ip6' if ':' in dst else 'ip'} daddr {dst}")
    for name, span in (("dport", dport_range), ("sport", sport_range)):
        if span is not None:
            parts.append(f"udp {name} {span[0]}-{span[1]}")
    if percent < 100:
        parts.append(f"numgen random mod 100 < {percent}")
    return " ".join([*parts, "counter", "drop"])


def add_rule(nft: Nft, direction: Direction, text: str, devices: Sequence[str]) -> DropRule:
    """Create the tables/chains ``direction`` needs (idempotent) and append ``text``."""
    chains = _chains(direction, devices)
    if not chains:
        raise RuntimeError("no interface to drop outgoing packets on")
    script = [f"add table {TABLE}", f"add table {DEV_TABLE}"]
    for table, chain, hook in chains:
        script.append(f"add chain {table} {chain} {{ type filter hook {hook} priority 0; }}")
    script += [f"add rule {table} {chain} {text}" for table, chain, _ in chains]
    echoed = nft("\n".join(script) + "\n")
    places = [(m[1], m[2], int(m[3])) for m in _RULE_HANDLE.finditer(echoed)]
    if len(places) != len(chains):
        raise RuntimeError(f"nft gave {len(places)} rule handles for {len(chains)}: {echoed!r}")
    return DropRule(nft, places, text)


def _chains(direction: Direction, devices: Sequence[str]) -> list[tuple[str, str, str]]:
    """(table, chain, hook spec) for each chain the rule goes into."""
    if direction == "out":
        return [(DEV_TABLE, f"egress_{dev}", f'egress device "{dev}"') for dev in devices]
    hook = "input" if direction == "in" else "forward"
    return [(TABLE, hook, hook)]
