"""The request gate: out-of-dialog requests reach an account only from where its rule
allows (see ``gate_rules``); everything else is refused with 403 or dropped unanswered,
counted, and reported. Runs on the pjsip thread.

Two ways in, chosen at start:

* ``pjsip-module`` (normal): ``gate_native`` registers a module that judges every
  request before pjsua answers anything; ``gate_probe`` must have read our own probes
  back correctly first.
* ``callbacks`` (fallback, when the module or its probe fails): pjsua2's callbacks
  judge. An INVITE is then refused with 403 before it rings, but a MESSAGE or NOTIFY has
  already been answered 200 by pjsua; it is dropped without being stored or shown.

In-dialog requests (a To tag; pjsip's dialog layer answers 481 for unknown dialogs),
ACK and CANCEL always pass.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from tuiphone.model.account import AccountConfig
from tuiphone.model.events import Event, RequestFilter, RequestRefused
from tuiphone.model.network import Route
from tuiphone.model.trust import CallerIdentity, RefusalReason
from tuiphone.sip import gate_native, gate_probe
from tuiphone.sip.blf.native import NativeError
from tuiphone.sip.gate_refuse import Refuser
from tuiphone.sip.gate_rules import (
    TRANSPORTS,
    Door,
    Source,
    door_for,
    learn,
    normal_ip,
    parse_source,
    set_route,
    user_of,
)
from tuiphone.sip.gate_tally import Tally
from tuiphone.sip.identity import caller_identity
from tuiphone.sip.ioqueue_room import IoqueueRoom

log = logging.getLogger("tuiphone.sip.gate")
FORBIDDEN = 403
UNAVAILABLE = 503  # an INVITE with no sockets left for its media (see ioqueue_room)
# Free ioqueue keys an INVITE needs to pass: its RTP and RTCP plus spare for SIP (a new
# TCP or TLS connection). A call we place needs fewer (calls.ROOM_FOR_CALL): a peer's
# churn never takes the user's own next call.
ROOM_FOR_INVITE = 8
PASS, TAKEN = 0, 1  # on_rx_request: let pjsip go on / the request is dealt with
MODULE, CALLBACKS = "pjsip-module", "callbacks"
_ALWAYS = frozenset({"ACK", "CANCEL"})


def request_line(head: bytes | str) -> tuple[str, str]:
    """(method, Request-URI user) of a request's first line."""
    text = head.decode("utf-8", "replace") if isinstance(head, bytes) else head
    line = text.split("\n", 1)[0].strip()
    method, _, rest = line.partition(" ")
    return method.upper(), user_of(rest.split(" ", 1)[0])


class Gate:
    """``emit`` hands events to the engine; ``mute`` silences the SIP trace while the
    gate answers (the refused request itself never reaches pjsua's logger); ``defer``
    runs a job on the pjsip thread after the current callback."""

    def __init__(self, emit: Callable[[Event], None], mute: Callable[[bool], None],
                 defer: Callable[[Callable[[], None]], None]) -> None:
        self._emit = emit
        self._mute = mute
        self.refuser = Refuser(defer)
        self.doors: dict[str, Door] = {}
        self._pj_ids: dict[int, str] = {}
        self._configs: dict[str, AccountConfig] = {}
        self._servers: frozenset[str] = frozenset()
        self.tally = Tally()
        self.module: gate_native.GateModule | None = None
        self.room: IoqueueRoom | None = None  # set by the core once probed
        self._probe: gate_probe.Probe | None = None
        self.mode = CALLBACKS

    # start and stop

    def install(self, host: str, port: int, pump: Callable[[int], None]) -> str:
        """Register the module and run the probe against our UDP listener ``host:port``;
        returns the mode in use. Never raises: a failure leaves the callbacks in charge."""
        try:
            module = gate_native.GateModule(self._on_request)
            module.register()
        except (NativeError, OSError, AttributeError, ValueError) as err:
            log.warning("request gate: no pjsip module (%s); pjsua's callbacks check", err)
            return self._announce(CALLBACKS)
        self.module, self._probe = module, gate_probe.Probe()
        try:
            problem = gate_probe.run(self._probe, host, port, pump)
        except OSError as err:
            problem = f"cannot send the probe: {err}"
        self._probe = None
        if problem is not None:
            module.unregister()
            self.module = None
            log.warning("request gate: probe failed (%s); pjsua's callbacks check", problem)
            return self._announce(CALLBACKS)
        return self._announce(MODULE)

    def _announce(self, mode: str) -> str:
        self.mode = mode
        self._emit(RequestFilter(mode))
        return mode

    def close(self) -> None:
        """Before libDestroy: unregister the module, drop refused calls' objects."""
        self.refuser.close()
        if self.module is not None:
            self.module.unregister()
            self.module = None

    # accounts

    def add(self, pj_id: int, cfg: AccountConfig, route: Route | None, contact: str) -> None:
        door = door_for(cfg, contact)
        set_route(door, cfg, route)
        self.doors[cfg.id], self._pj_ids[pj_id], self._configs[cfg.id] = door, cfg.id, cfg
        self._servers_changed()

    def set_route(self, account_id: str, route: Route) -> None:
        door = self.doors.get(account_id)
        if door is not None:
            set_route(door, self._configs[account_id], route)
            door.learned = set()  # the next REGISTER answer tells again
            self._servers_changed()

    def learn(self, account_id: str, source: str, transport: str) -> None:
        """A REGISTER of ``account_id`` was answered 2xx from ``source`` ("ip:port")."""
        door = self.doors.get(account_id)
        if door is not None:
            learn(door, source, transport)
            self._servers_changed()

    def remove(self, account_id: str) -> None:
        self.doors.pop(account_id, None)
        self._configs.pop(account_id, None)
        self._pj_ids = {k: v for k, v in self._pj_ids.items() if v != account_id}
        self._servers_changed()

    def _servers_changed(self) -> None:
        self._servers = frozenset(
            s.address for d in self.doors.values() for s in (*d.servers, *d.learned)
        )

    # the module's callback: every request, before pjsua

    def _on_request(self, rdata: int) -> int:
        try:
            return self._judge(rdata)
        except Exception:  # never into C; a broken gate drops rather than admits
            log.exception("request gate failed; request dropped")
            return TAKEN

    def _judge(self, rdata: int) -> int:
        req = gate_native.read_request(rdata)
        if self._probe is not None and self._probed(rdata, req):
            return TAKEN
        method, user = request_line(req.head)
        address, now = normal_ip(req.address), time.monotonic()
        if address not in self._servers and self.tally.throttled(address, now):
            self.tally.count(address, RefusalReason.RATE, method, "", now, time.time())
            return TAKEN
        if method in _ALWAYS or (req.has_to_tag and method != "REGISTER"):
            return PASS
        src = Source(address, req.port, TRANSPORTS.get(req.transport_type & 0x7F, ""))
        door = self.doors.get(self._pj_ids.get(gate_native.account_for(rdata), ""))
        reason = RefusalReason.NO_ACCOUNT if door is None else door.judge(src, method, user)
        if reason is None:
            if method == "INVITE" and self.room is not None and (
                    self.room.free() < ROOM_FOR_INVITE):
                account = door.account_id if door is not None else ""
                self.tally.count(address, RefusalReason.OVERLOAD, method, account, now,
                                 time.time())
                self._respond(rdata, UNAVAILABLE)
                return TAKEN
            return PASS
        if self._refuse(door, address, reason, method, now):
            self._respond(rdata)
        return TAKEN

    def _probed(self, rdata: int, req: gate_native.Request) -> bool:
        assert self._probe is not None
        kind = self._probe.kind_of(req)
        if kind is None:
            return False
        self._probe.seen[kind] = req
        if kind == "plain":
            self._respond(rdata)
        return True

    def _refuse(self, door: Door | None, address: str, reason: RefusalReason, method: str,
                now: float) -> bool:
        """Count; True when a 403 should be sent."""
        account = door.account_id if door else ""
        if address in self._servers:  # our own server is answered, never rate-limited
            self.tally.count(address, reason, method, account, now, time.time())
            return not (door and door.silent)
        answer = self.tally.refuse(address, reason, method, account, now, time.time())
        return answer and not (door and door.silent)

    def _respond(self, rdata: int, code: int = FORBIDDEN) -> None:
        self._mute(True)
        try:
            gate_native.respond(rdata, code)
        finally:
            self._mute(False)

    # pjsua2's callbacks: the fallback check, and caller identity for both modes

    def admits(self, account_id: str, source: str, whole: str) -> bool:
        """Whether a request that reached a pjsua2 callback may be used. With the module
        in place it judged already; otherwise judge (and count) here."""
        if self.module is not None:
            return True
        method, user = request_line(whole)
        src = parse_source(source)
        door = self.doors.get(account_id)
        if src is None or door is None:
            reason: RefusalReason | None = RefusalReason.NO_ACCOUNT
        else:
            reason = door.judge(src, method, user)
        if reason is None:
            return True
        address = src.address if src else source
        self._refuse(door, address, reason, method, time.monotonic())
        return False

    def refuse_call(self, acc: object, pj_call_id: int) -> None:
        """The fallback's answer to a refused INVITE (``acc`` the pj.Account it reached):
        403 before anything rings (see ``gate_refuse``)."""
        self.refuser.refuse(acc, pj_call_id, FORBIDDEN)

    def identity(self, account_id: str, source: str, whole: str) -> tuple[CallerIdentity, str]:
        """What the network vouched for about an INVITE's caller (see ``identity``)."""
        door = self.doors.get(account_id)
        src = parse_source(source)
        vouched = door is not None and src is not None and door.vouches(src)
        return caller_identity(whole, vouched, source)

    # reporting, after each poll

    def report(self) -> None:
        """Totals and log lines that are due. Runs after every poll, which in a call is
        every RTP packet: with nothing counted since the last report it returns at once."""
        if not self.tally.pending:
            return
        now = time.monotonic()
        for total in self.tally.due(now):
            self._emit(RequestRefused(total))
        for line in self.tally.log_lines(now):
            log.warning("%s", line)
        self.tally.settle()
