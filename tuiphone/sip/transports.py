"""SIP transports: the shared listeners and the ones an account's route needs.

Runs on the pjsip thread. The shared transports listen on every address (or on
``bind_address``) with no published address, so pjsua chooses Via and Contact per
destination for accounts without a route. An account with a route gets a transport
that publishes the route's local address; accounts on the same route share it.
pjsua has only 8 transport slots: when they run out, an account falls back to the
shared transport (pjsua's own choice of address) and the log says so.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import pjsua2 as pj

from tuiphone.model.errors import NetworkError
from tuiphone.net.routes import default_address, has_family
from tuiphone.sip.errors import convert

log = logging.getLogger("tuiphone.sip")
MAX_TRANSPORTS = 8  # pjsua_var.tpdata[8]
_TYPES = {
    ("udp", 4): pj.PJSIP_TRANSPORT_UDP,
    ("tcp", 4): pj.PJSIP_TRANSPORT_TCP,
    ("tls", 4): pj.PJSIP_TRANSPORT_TLS,
    ("udp", 6): pj.PJSIP_TRANSPORT_UDP6,
    ("tcp", 6): pj.PJSIP_TRANSPORT_TCP6,
    ("tls", 6): pj.PJSIP_TRANSPORT_TLS6,
}


@dataclass(frozen=True, slots=True)
class TransportKey:
    """What makes two transports interchangeable. ``public`` "" publishes nothing
    (pjsua picks per destination); ``tls`` names the TLS settings ("" for none)."""

    kind: str
    family: int
    port: int = 0
    public: str = ""
    tls: str = ""


class Transports:
    """Creates transports once per key and closes route transports nobody uses."""

    def __init__(self, ep: pj.Endpoint, bind_address: str | None) -> None:
        self._ep: Any = ep
        self._bind = bind_address or ""
        self._ids: dict[TransportKey, int] = {}
        self._users: dict[TransportKey, set[str]] = {}  # account ids on a route transport
        self.families: tuple[int, ...] = ()

    def start(self) -> tuple[str, int]:
        """Create the shared UDP and TCP listeners for each usable family.

        Returns the (address, port) of a UDP socket the engine listens on, for the
        wake-up datagram. Raises NetworkError when nothing can be bound."""
        families = self._families()
        for family in families:
            self.get(TransportKey("udp", family))
            self.get(TransportKey("tcp", family))
        self.families = families
        first = families[0]
        port = self.local_port(self._ids[TransportKey("udp", first)])
        return self._wake_host(first), port

    def _families(self) -> tuple[int, ...]:
        if self._bind:
            return (6,) if ":" in self._bind else (4,)
        both = tuple(f for f in (4, 6) if has_family(f))
        if not both:
            raise NetworkError("neither IPv4 nor IPv6 sockets can be opened")
        return both

    def _wake_host(self, family: int) -> str:
        if self._bind and self._bind not in ("0.0.0.0", "::"):
            return self._bind
        return "::1" if family == 6 else "127.0.0.1"

    def shared(self, kind: str, family: int) -> int:
        """The id of the shared listener of ``kind``/``family`` (-1 if there is none)."""
        return self._ids.get(TransportKey(kind, family), -1)

    def get(self, key: TransportKey, tls: pj.TlsConfig | None = None) -> int:
        """The id of the transport for ``key``, created on first use. Raises NetworkError."""
        if key in self._ids:
            return self._ids[key]
        if len(self._ids) >= MAX_TRANSPORTS:
            raise NetworkError(f"no free SIP transport slot for {key.kind} (pjsua has 8)")
        cfg = pj.TransportConfig()
        cfg.port = key.port
        cfg.boundAddress = self._bind
        cfg.publicAddress = self._published(key)
        if tls is not None:
            cfg.tlsConfig = tls
        try:
            tid = int(self._ep.transportCreate(_TYPES[(key.kind, key.family)], cfg))
        except pj.Error as err:
            where = f"{self._bind or 'all addresses'} port {key.port or 'any'}"
            raise NetworkError(f"cannot listen for {key.kind.upper()} on {where}") from convert(
                err, "binding"
            )
        self._ids[key] = tid
        return tid

    def _published(self, key: TransportKey) -> str:
        """What a transport publishes. For a listener on every address with nothing to
        publish, pjlib would look up this machine's host name (pj_gethostip): when
        /etc/hosts lacks it (for IPv6 it usually does), that sends the host name to the
        DNS server at every start. It is given the address pjlib then falls back to
        (``default_address``), so nothing is asked."""
        if key.public or self._bind not in ("", "0.0.0.0", "::"):
            return key.public
        return default_address(key.family) or ""

    def acquire(self, key: TransportKey, account_id: str, tls: pj.TlsConfig | None) -> int:
        """A route transport for ``account_id``; -1 when the slots ran out."""
        try:
            tid = self.get(key, tls)
        except NetworkError as err:
            if key.port:  # a configured local_port is a promise: say it failed
                raise
            log.warning("%s: %s; using the shared transport", account_id, err)
            return -1
        self._users.setdefault(key, set()).add(account_id)
        return tid

    def release(self, account_id: str, keep: int = -1) -> None:
        """Forget ``account_id``'s transports but transport ``keep``; close the route
        transports nobody else uses."""
        for key in [k for k, users in self._users.items() if account_id in users]:
            if self._ids.get(key) == keep:
                continue
            users = self._users[key]
            users.discard(account_id)
            if not users and key.public:
                self._close(key)

    def _close(self, key: TransportKey) -> None:
        tid = self._ids.pop(key, None)
        self._users.pop(key, None)
        if tid is None:
            return
        try:
            self._ep.transportClose(tid)
        except pj.Error:
            log.debug("closing transport %s failed", tid)

    def detach(self) -> None:
        """Drop the Endpoint (after libDestroy): pjsua2 allows one per process."""
        self._ep = None
        self._ids.clear()
        self._users.clear()

    def local_port(self, tid: int) -> int:
        name = str(self._ep.transportGetInfo(tid).localName)
        return int(name.rsplit(":", 1)[1])

    def published(self, tid: int) -> str:
        """The host:port a transport puts in Via/Contact (its local name)."""
        return str(self._ep.transportGetInfo(tid).localName)
