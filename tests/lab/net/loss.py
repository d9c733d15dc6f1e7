"""Random UDP loss with nftables (netem is not in this kernel): one table per namespace.

Each host that drops something gets ``table inet tpl_loss`` with three base chains
named after their hooks: ``output`` (direction ``out``: what the host sends),
``input`` (``in``: what it receives) and ``forward`` (what a router passes on). A rule is
``[ip|ip6 daddr DST] udp dport A-B udp sport C-D [numgen random mod 100 < N] counter
drop``; at 100 % the numgen term is left out, so nothing gets through. The counter
tells a test exactly how many datagrams were dropped (``DropRule.dropped()``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

TABLE = "tpl_loss"
Direction = Literal["out", "in", "forward"]
CHAINS: dict[str, tuple[str, str]] = {  # direction -> (chain, hook)
    "out": ("output", "output"),
    "in": ("input", "input"),
    "forward": ("forward", "forward"),
}
_HANDLE = re.compile(r"# handle (\d+)")
_PACKETS = re.compile(r"counter packets (\d+) ")

Nft = Callable[[str], str]


@dataclass(slots=True)
class DropRule:
    """One installed drop rule; ``remove()`` takes it out again (idempotent)."""

    nft: Nft
    chain: str
    handle: int
    text: str
    removed: bool = False

    def dropped(self) -> int:
        """Packets this rule has dropped so far (its nft counter); 0 once removed."""
        if self.removed:
            return 0
        listing = self.nft(f"list chain inet {TABLE} {self.chain}")
        for line in listing.splitlines():
            if line.rstrip().endswith(f"# handle {self.handle}"):
                match = _PACKETS.search(line)
                return int(match[1]) if match else 0
        raise RuntimeError(f"rule {self.handle} not found in {self.chain}: {listing!r}")

    def remove(self) -> None:
        if not self.removed:
            self.nft(f"delete rule inet {TABLE} {self.chain} handle {self.handle}")
            self.removed = True


def setup_script() -> str:
    """nft commands that create the table and its three chains (idempotent: ``add``)."""
    lines = [f"add table inet {TABLE}"]
    lines += [
        f"add chain inet {TABLE} {chain} {{ type filter hook {hook} priority 0; }}"
        for chain, hook in CHAINS.values()
    ]
    return "\n".join(lines) + "\n"


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


def add_rule(nft: Nft, direction: Direction, text: str) -> DropRule:
    """Append ``text`` to the chain of ``direction``; the handle comes from ``nft -e -a``."""
    chain = CHAINS[direction][0]
    echoed = nft(f"add rule inet {TABLE} {chain} {text}")
    match = _HANDLE.search(echoed)
    if match is None:
        raise RuntimeError(f"nft gave no rule handle: {echoed!r}")
    return DropRule(nft, chain, int(match[1]), text)
