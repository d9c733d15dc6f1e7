"""Routes: which server address each account talks to, and from which local address.

For an account with a registrar, the first hop (its outbound proxy, else the
registrar) is resolved by RFC 3263 into hops; the first hop our routing table
reaches becomes the route the backend uses for Via, Contact and SDP. When the
addresses or routes of this host change, every route is checked again; when a
REGISTER gets no answer or a transport error, the next hop is tried (DNS SRV
failover). Each change is announced as a NetworkChanged event. Loop thread only.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Coroutine, Sequence
from dataclasses import dataclass, field
from typing import Any

from tuiphone.engine.tasks import cancel_and_wait
from tuiphone.model.account import AccountConfig, AccountState, RegState
from tuiphone.model.backend import SipBackend
from tuiphone.model.errors import NetworkError
from tuiphone.model.events import Event, NetworkChanged, Notice, RegistrationChanged
from tuiphone.model.network import AccountRoute, Hop, Route
from tuiphone.net.resolve import ResolveError, Resolver
from tuiphone.net.routes import local_address_for
from tuiphone.net.sipuri import hop_uri
from tuiphone.net.watch import NetworkWatch

log = logging.getLogger("tuiphone.engine.network")
DEAD_FOR_S = 300.0  # a hop that failed is skipped this long when another one works
_FAILOVER_CODES = (0, 408, 502, 503)


@dataclass(slots=True)
class _Account:
    config: AccountConfig
    hops: list[Hop] = field(default_factory=list)
    route: Route | None = None
    dead: dict[Hop, float] = field(default_factory=dict)  # hop -> when it failed


class NetworkKeeper:
    """Decides and maintains account routes. ``publish`` takes events for the bus."""

    def __init__(self, backend: SipBackend, publish: Callable[[Event], None],
                 nameservers: Sequence[str], *, enabled: bool = True) -> None:
        self._backend = backend
        self._publish = publish
        self._resolver = Resolver(nameservers)
        self._accounts: dict[str, _Account] = {}
        self._enabled = enabled
        self._watch = NetworkWatch(self._changed) if enabled else None
        self._tasks: set[asyncio.Task[None]] = set()

    def start(self) -> None:
        if self._watch is not None:
            self._watch.start()

    async def close(self) -> None:
        if self._watch is not None:
            self._watch.close()
        for task in list(self._tasks):
            await cancel_and_wait(task)

    def routes(self) -> dict[str, Route]:
        """The current route of every account that has one."""
        return {k: a.route for k, a in self._accounts.items() if a.route is not None}

    async def route_for(self, config: AccountConfig) -> Route | None:
        """The route for a new account (None for direct accounts). DNS runs in a thread;
        an unresolvable server gives a route without hop: pjsua then tries itself."""
        if not config.registers or not self._enabled:
            return None
        acc = _Account(config)
        self._accounts[config.id] = acc
        await self._resolve(acc)
        route = self._pick(acc)
        self._announce(acc, route, "start")
        return route

    def forget(self, account_id: str) -> None:
        self._accounts.pop(account_id, None)

    async def peer_route(self, uri: str, transport: str = "auto") -> Route | None:
        """The route to a callee of a direct account (its local address goes into our SDP).

        None when nothing routes there (pjsua then reports the failure); raises
        NetworkError when the callee's host does not resolve."""
        if not self._enabled:
            return None
        try:
            hops = await asyncio.to_thread(self._resolver.hops, uri, transport)
        except ResolveError:
            raise NetworkError(f"calling {uri}: the host name does not resolve") from None
        except ValueError:
            return None
        for hop in hops:
            local = local_address_for(hop.address, hop.port)
            if local is not None:
                return Route(hop.transport, hop.family, local, hop)
        return None

    async def _resolve(self, acc: _Account) -> None:
        cfg = acc.config
        target = cfg.proxy[0] if cfg.proxy else cfg.registrar
        assert target is not None
        try:
            acc.hops = await asyncio.to_thread(
                self._resolver.hops, target, cfg.transport.value, cfg.ip_version
            )
        except (ResolveError, ValueError) as err:
            log.info("%s: %s", cfg.id, err)
            acc.hops = []

    def _pick(self, acc: _Account, after: Hop | None = None) -> Route:
        """The first live hop with a local route (starting after ``after``)."""
        hops = acc.hops
        if after is not None and after in hops:
            i = hops.index(after) + 1
            hops = hops[i:] + hops[:i]
        now = time.monotonic()
        alive = [h for h in hops if now - acc.dead.get(h, -DEAD_FOR_S) >= DEAD_FOR_S]
        for hop in alive + [h for h in hops if h not in alive]:
            local = local_address_for(hop.address, hop.port)
            if local is not None:
                return Route(hop.transport, hop.family, local, hop, self._proxy(acc, hop))
        kind = hops[0].transport if hops else _fallback_kind(acc.config)
        return Route(kind, hops[0].family if hops else 4)

    def _proxy(self, acc: _Account, hop: Hop) -> str:
        """The chosen hop as the account's outbound proxy: every request of the account
        goes to the server we resolved and route to (a registrar without a proxy is
        the proxy too, as PBX users expect), and failover can move it.

        TLS keeps the host name in the URI: pjsua verifies the certificate against it
        and sends it as SNI."""
        host = hop.name if hop.transport == "tls" else hop.address
        return hop_uri(hop.transport, host, hop.port)

    # failover and address changes

    def on_event(self, event: Event) -> None:
        if isinstance(event, RegistrationChanged) and event.account.reg_state is RegState.FAILED:
            acc = self._accounts.get(event.account.id)
            if acc is not None and _transport_failure(event.account):
                self._spawn(self._failover(acc))

    async def _failover(self, acc: _Account) -> None:
        current = acc.route.hop if acc.route is not None else None
        if current is not None:
            acc.dead[current] = time.monotonic()
        if len(acc.hops) < 2:
            await self._resolve(acc)  # DNS may know better now
        route = self._pick(acc, after=current)
        if route.hop is None or route.hop == current:
            return
        await self._apply(acc, route, "failover")

    def _changed(self) -> None:
        for acc in list(self._accounts.values()):
            self._spawn(self._recheck(acc))

    async def _recheck(self, acc: _Account) -> None:
        old = acc.route
        hop = old.hop if old is not None else None
        local = local_address_for(hop.address, hop.port) if hop is not None else None
        if old is not None and hop is not None and local == old.local_address:
            return
        if local is None:
            await self._resolve(acc)
        route = self._pick(acc)
        if old is not None and route == old:
            return
        reason = "no route" if route.hop is None else "address changed"
        await self._apply(acc, route, reason)

    def _announce(self, acc: _Account, route: Route, reason: str) -> None:
        acc.route = route
        server = f"{route.hop.hostport}/{route.transport}" if route.hop else ""
        log.info("%s: %s: %s", acc.config.id, reason, route.describe)
        self._publish(NetworkChanged(AccountRoute(acc.config.id, route.local_address, server,
                                                  reason)))

    async def _apply(self, acc: _Account, route: Route, reason: str) -> None:
        self._announce(acc, route, reason)
        if route.hop is None:
            self._publish(Notice("warning", f"{acc.config.id}: no route to the server"))
            return
        try:
            await self._backend.update_route(acc.config.id, route)
        except Exception as err:  # reported; the next change or failure tries again
            log.warning("%s: applying route failed: %s", acc.config.id, err)

    def _spawn(self, coro: Coroutine[Any, Any, None]) -> None:
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)


def _transport_failure(state: AccountState) -> bool:
    """No answer or a transport error: another server may do better. A 4xx/5xx from
    a live server (wrong password, 503 overloaded with Retry-After) is not one."""
    reason = state.reason.lower()
    if state.code == 408 or state.code == 0:
        return True
    return state.code in _FAILOVER_CODES and any(
        w in reason for w in ("transport", "connect", "refused", "unreachable", "resolve", "tls")
    )


def _fallback_kind(cfg: AccountConfig) -> str:
    value = cfg.transport.value
    return "udp" if value == "auto" else value
