"""One-way audio: a connected call that sends RTP but receives none.

``after_s`` after a call connects (and then every second until it ends, RTP
arrives, or it has been checked for ``give_up_s``) the call's RTP counters are
read. Sent packets with none received raise one MediaProblem naming the likely
cause: NAT, IPv6 media this build lacks, a private address in the peer's SDP, or
a firewall. Loop thread only.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
from collections.abc import Awaitable, Callable

from tuiphone.model.call import CallState, CallStats
from tuiphone.model.errors import TuiphoneError
from tuiphone.model.events import CallChanged, Event, MediaProblem

Stats = Callable[[str], Awaitable[CallStats]]
Facts = Callable[[str], "CallFacts"]


class CallFacts:
    """What the engine knows about a call's network: our interface address towards
    its server or peer ("" unknown) and whether ICE is on for its account."""

    __slots__ = ("local_address", "ice")

    def __init__(self, local_address: str = "", ice: bool = False) -> None:
        self.local_address = local_address
        self.ice = ice


class MediaCheck:
    def __init__(self, stats: Stats, facts: Facts, publish: Callable[[Event], None],
                 after_s: float = 3.0, give_up_s: float = 30.0) -> None:
        self._stats = stats
        self._facts = facts
        self._publish = publish
        self._after_s = after_s
        self._give_up_s = give_up_s
        self._tasks: dict[str, asyncio.Task[None]] = {}

    def on_event(self, event: Event) -> None:
        if not isinstance(event, CallChanged):
            return
        call = event.call
        if call.state is CallState.CONNECTED and call.id not in self._tasks:
            self._tasks[call.id] = asyncio.ensure_future(self._watch(call.id))
        elif call.state is CallState.ENDED:
            task = self._tasks.pop(call.id, None)
            if task is not None:
                task.cancel()

    async def close(self) -> None:
        tasks = list(self._tasks.values())
        self._tasks.clear()
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _watch(self, call_id: str) -> None:
        loop = asyncio.get_running_loop()
        start = loop.time()
        await asyncio.sleep(self._after_s)  # a timer: the check is due then
        while loop.time() - start < self._give_up_s:
            try:
                stats = await self._stats(call_id)
            except TuiphoneError:  # no media yet, or the call is going away
                stats = CallStats()
            if stats.rx_packets > 0:
                return
            if stats.tx_packets > 0:
                self._publish(problem(call_id, loop.time() - start, stats, self._facts(call_id)))
                return
            await asyncio.sleep(1.0)


def problem(call_id: str, seconds: float, stats: CallStats, facts: CallFacts) -> MediaProblem:
    cause, hint = diagnose(stats, facts)
    return MediaProblem(call_id, round(seconds, 1), stats.tx_packets, stats.rx_packets, cause,
                        hint)


def diagnose(stats: CallStats, facts: CallFacts) -> tuple[str, str]:
    """(cause, hint) for RTP that goes out but never comes back."""
    ours, theirs = _host(stats.local_rtp), _host(stats.remote_rtp)
    if _is_v6(ours) or _is_v6(theirs):
        return ("IPv6 media", "this pjsua2 build has no IPv6 media (RTP is IPv4 only): "
                              "the peer needs an IPv4 address for media, or a relay")
    if facts.ice:
        return ("ICE found no path", "no candidate pair worked between us and "
                f"{theirs or 'the peer'}: add a TURN relay ([accounts.nat.turn])")
    if ours and facts.local_address and ours != facts.local_address:
        return ("NAT", f"we are behind NAT ({facts.local_address}, seen as {ours}); the "
                f"peer sends audio to {stats.local_rtp}, which the NAT does not let through. "
                "Use a server with a media relay (e.g. rtpengine), or set "
                "[accounts.nat] ice = true with STUN/TURN servers")
    if _is_private(ours) and theirs and not _is_private(theirs):
        return ("NAT", f"our SDP offers the private address {ours}, which {theirs} cannot "
                "reach: use a media relay, STUN ([engine] stun_servers) or ICE")
    if _is_private(theirs) and ours and not _is_private(ours):
        return ("wrong address in the peer's SDP", f"the peer offers the private address "
                f"{theirs}; its NAT or server must fix its SDP (a media relay)")
    where = stats.local_rtp or "our RTP port"
    return ("firewall", f"nothing arrives at {where} from {theirs or 'the peer'}: check the "
            "firewalls on the path for UDP, and that the peer really sends")


def _host(hostport: str) -> str:
    if hostport.startswith("["):
        return hostport[1:].split("]", 1)[0]
    return hostport.rsplit(":", 1)[0] if hostport.count(":") == 1 else hostport


def _is_v6(host: str) -> bool:
    return ":" in host


_PRIVATE = tuple(ipaddress.ip_network(n) for n in (
    "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "169.254.0.0/16",
    "fc00::/7", "fe80::/10",
))


def _is_private(host: str) -> bool:
    """RFC 1918, CGNAT, link-local and ULA: addresses that do not cross a NAT."""
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return any(address in net for net in _PRIVATE if net.version == address.version)
