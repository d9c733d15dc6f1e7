"""Turn an account and its route into a pjsua plan: transport, media address, proxy.

Runs on the pjsip thread. An account with a server route gets a transport that
publishes the route's local address (Via, Contact) and RTP bound to that address;
pjsua's contact rewriting then swaps in the public address the registrar saw. An
account without one (direct/IP mode) uses the shared listeners: pjsua picks Via and
Contact per destination, and the SDP address is fixed per call (see sdp.py).
"""

from __future__ import annotations

import dataclasses

from tuiphone.model.account import AccountConfig, Transport
from tuiphone.model.backend import BackendSettings
from tuiphone.model.network import Route
from tuiphone.net.sipuri import parse_target
from tuiphone.sip.account import Plan, user_part
from tuiphone.sip.tls import tls_config
from tuiphone.sip.transports import TransportKey, Transports


class Planner:
    def __init__(self, transports: Transports, settings: BackendSettings) -> None:
        self._transports = transports
        self._settings = settings
        self.key_passwords: dict[str, str | None] = {}  # account id -> TLS key passphrase

    def plan(
        self, cfg: AccountConfig, route: Route | None, turn_password: str | None
    ) -> Plan:
        """The plan for ``cfg`` on ``route``; acquires its transport. Raises NetworkError."""
        kind = route.transport if route is not None else _configured_kind(cfg)
        family = route.family if route is not None else self._transports.families[0]
        stun = bool(self._settings.stun_servers) and cfg.nat.stun
        if route is None or route.hop is None or not route.local_address:
            tid = self._direct_transport(cfg, kind, family)
            return Plan(tid, kind, family, stun=stun, turn_password=turn_password)
        public = "" if stun else route.local_address
        key = TransportKey(kind, family, cfg.local_port, public, _tls_key(cfg, kind))
        tls = tls_config(cfg, self.key_passwords.get(cfg.id)) if kind == "tls" else None
        tid = self._transports.acquire(key, cfg.id, tls)
        proxies = (route.proxy, *cfg.proxy[1:]) if route.proxy else ()
        # The wheel has no IPv6 media (PJ_HAS_IPV6 0): RTP stays on IPv4 sockets.
        media = route.local_address if family == 4 else ""
        return Plan(tid, kind, family, media, proxies, stun, turn_password)

    def _direct_transport(self, cfg: AccountConfig, kind: str, family: int) -> int:
        if kind != "tls" and not cfg.local_port:
            return -1  # the shared listeners: pjsua picks the address per destination
        key = TransportKey(kind, family, cfg.local_port, "", _tls_key(cfg, kind))
        tls = tls_config(cfg, self.key_passwords.get(cfg.id)) if kind == "tls" else None
        return self._transports.acquire(key, cfg.id, tls)

    def with_family(self, plan: Plan, family: int) -> Plan:
        """A direct account's plan for a call to a peer of ``family``."""
        return dataclasses.replace(plan, family=family)

    def release(self, account_id: str, keep: Plan | None = None) -> None:
        """Give back the transports of ``account_id`` except the one ``keep`` uses."""
        self._transports.release(account_id, keep.transport_id if keep else -1)

    def contact(self, cfg: AccountConfig, plan: Plan) -> str:
        """Where this account can be reached, as a SIP URI (our own legs use it)."""
        tid = plan.transport_id
        if tid < 0:
            tid = self._transports.shared("tcp" if plan.transport == "tcp" else "udp",
                                          plan.family)
        port = self._transports.local_port(tid)
        host = plan.media_address or self._loopback_or_bind(plan.family)
        shown = f"[{host}]" if ":" in host else host
        user = user_part(cfg.uri)
        params = "" if plan.transport == "udp" else f";transport={plan.transport}"
        return f"sip:{user + '@' if user else ''}{shown}:{port}{params}"

    def _loopback_or_bind(self, family: int) -> str:
        bind = self._settings.bind_address
        if bind and bind not in ("0.0.0.0", "::"):
            return bind
        return "::1" if family == 6 else "127.0.0.1"


def _configured_kind(cfg: AccountConfig) -> str:
    """The transport when the engine gave no route: the URI's, else the account's."""
    for uri in (*cfg.proxy, cfg.registrar or "", cfg.uri):
        try:
            target = parse_target(uri)
        except ValueError:
            continue
        if target.transport in ("udp", "tcp", "tls"):
            return target.transport
        if target.secure:
            return "tls"
        break
    return "udp" if cfg.transport is Transport.AUTO else cfg.transport.value


def _tls_key(cfg: AccountConfig, kind: str) -> str:
    if kind != "tls":
        return ""
    return f"{cfg.tls_verify}:{cfg.ca_file or ''}:{cfg.tls_cert_file or ''}"
