"""Core: everything that lives on the pjsip thread, and the hand-off of events
to the asyncio loop. Every method runs on the pjsip thread."""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Callable, Sequence

import pjsua2 as pj

from tuiphone.model.account import AccountConfig, AccountState, RegState
from tuiphone.model.backend import BackendSettings, CallScreen, Emit
from tuiphone.model.call import CallInfo, CallState, CallStats, Direction
from tuiphone.model.errors import LimitExceeded, NotFound, UsageError
from tuiphone.model.events import (
    CallChanged,
    CallStatsChanged,
    DtmfReceived,
    Event,
    IncomingCall,
    MessageReceived,
    MessageStatus,
    MwiChanged,
    Notice,
    RegistrationChanged,
    SipTrace,
    TransferStatus,
    TypingChanged,
)
from tuiphone.model.message import Message
from tuiphone.model.network import Route
from tuiphone.model.rules import Screening
from tuiphone.sip import sdp
from tuiphone.sip.account import PjAccount, Plan, build_config
from tuiphone.sip.call import PjCall
from tuiphone.sip.calls import CallRegistry, live_id
from tuiphone.sip.codecs import check_names, enabled_ids, order_for_call
from tuiphone.sip.endpoint import Stack
from tuiphone.sip.errors import convert
from tuiphone.sip.gate import Gate
from tuiphone.sip.handoff import Handoff
from tuiphone.sip.ioqueue_room import IoqueueRoom
from tuiphone.sip.lamps import LampHub
from tuiphone.sip.logwriter import log_line
from tuiphone.sip.media import MediaManager
from tuiphone.sip.pager import Pager
from tuiphone.sip.pinger import Pinger
from tuiphone.sip.planner import Planner
from tuiphone.sip.relink import Relinker
from tuiphone.sip.rtp_tap import RtpTap
from tuiphone.sip.text import clean
from tuiphone.sip.trace_parse import parse_dump
from tuiphone.sip.uri import check_uri

MAX_ACCOUNTS = 8  # PJSUA_MAX_ACC; the 9th Account.create() aborts the process
log = logging.getLogger("tuiphone.sip")
SOUND_GRACE_S = 0.2  # the conference clock ticks every 20 ms: ten ticks to remove ports


class Core:
    def __init__(
        self,
        settings: BackendSettings,
        loop: asyncio.AbstractEventLoop,
        emit: Emit,
        defer: Callable[[Callable[[], None]], None],
    ) -> None:
        self._loop, self._emit, self.defer = loop, emit, defer
        self.handoff = Handoff(loop)  # one loop wake-up per burst of events
        self.stack = Stack(settings, self.trace_dump)
        self.planner = Planner(self.stack.transports, settings)
        self.accounts: dict[str, PjAccount] = {}
        self.graveyard: list[PjAccount] = []  # removed, waiting for their pings to end
        self.calls = CallRegistry(self)
        self.media = MediaManager(self)
        self.pager = Pager(self)
        self.pinger = Pinger(self)
        self.lamps = LampHub(self)
        self.gate = Gate(self.emit, self.stack.writer.mute, defer)
        self.relinker = Relinker(self.accounts.values, defer)
        self.stack.ep.on_transport = self.relinker.on_transport_state
        self.poll_hooks: list[Callable[[], None]] = [self.gate.report]  # after each poll
        self.call_screen: CallScreen | None = None  # the engine's call rules
        self.codec_base: list[str] = []
        self._codec_names: tuple[str, ...] | None = None  # the codec order set last
        self.rtp_tap = RtpTap(settings.rtp_headers) if settings.rtp_headers > 0 else None
        self.room: IoqueueRoom | None = None  # free sockets, once start() has probed

    def screen_call(self, info: CallInfo) -> Screening | None:
        """What the engine's rules answer instead of ringing, or None (also when they fail:
        a broken rule must not lose a call)."""
        screen = self.call_screen
        if screen is None:
            return None
        try:
            return screen(info)
        except Exception:
            log.exception("call screen failed; the call rings")
            return None

    def start(self) -> tuple[str, int]:
        """Start the stack, then the request gate (it probes our own UDP listener).
        Returns the wake-up address (see Stack.init)."""
        wake = self.stack.init()
        self.codec_base = enabled_ids(self.stack.ep)  # the wheel's own order, enabled ones
        self._codec_names = None
        self.use_codecs(())
        self.gate.install(*wake, self.stack.handle_events)
        self.gate.room = self.room = _room()
        return wake

    def use_codecs(self, names: Sequence[str]) -> None:
        """The codec order of the next offer or answer (see codecs.py). Set only when it
        differs from the order set last (nothing else sets codec priorities): about 20
        pjsua2 calls saved on every call whose account keeps its order."""
        wanted = tuple(names)
        if wanted == self._codec_names:
            return
        order_for_call(self.stack.ep, wanted, self.codec_base)
        self._codec_names = wanted

    def emit(self, event: Event) -> None:
        """Hand ``event`` to the engine's loop (any thread), in order, batched per burst."""
        self.handoff.put(self._emit, event)

    def trace_dump(self, when: float, raw: str, level: int) -> None:
        """A SIP message dump from the log writer (pjsip thread): parsed on the loop."""
        self.handoff.put(self._trace, (when, raw, level))

    def _trace(self, dump: tuple[float, str, int]) -> None:
        when, raw, level = dump
        text = clean(raw)
        entry = parse_dump(text, when)
        if entry is not None:
            self._emit(SipTrace(entry))
        elif level <= self.stack.writer.log_level:
            log_line(text, level)

    def poll(self, ms: int) -> None:
        """One libHandleEvents wait, then the poll hooks (e.g. BLF polling fallback). The
        events of one round reach the loop in one hop."""
        handoff = self.handoff
        handoff.hold()  # (not a context manager: this runs for every RTP packet in a call)
        try:
            self.stack.handle_events(ms)
            for hook in tuple(self.poll_hooks):
                try:
                    hook()
                except Exception:  # a faulty hook must not kill the pjsip thread
                    log.exception("poll hook failed")
        finally:
            handoff.release()

    def log_debug(self, text: str) -> None:
        log.debug("%s", text)

    def account(self, account_id: str) -> PjAccount:
        acc = self.accounts.get(account_id)
        if acc is None:
            raise NotFound(f"no account {account_id!r}")
        return acc

    def add_account(
        self,
        cfg: AccountConfig,
        password: str | None,
        route: Route | None = None,
        turn_password: str | None = None,
        tls_key_password: str | None = None,
    ) -> str:
        if cfg.id in self.accounts:
            raise UsageError(f"account {cfg.id!r} already exists")
        if len(self.accounts) + len(self.graveyard) >= MAX_ACCOUNTS:
            raise LimitExceeded(f"at most {MAX_ACCOUNTS} accounts (pjsua2 wheel limit)")
        for uri in (cfg.uri, cfg.registrar, *cfg.proxy):
            if uri is not None:
                check_uri(self.stack.ep, uri)
        if cfg.codecs:
            check_names(self.stack.ep, cfg.codecs)  # set per call (see codecs.py)
        self.planner.key_passwords[cfg.id] = tls_key_password
        plan = self.planner.plan(cfg, route, turn_password)
        acc = PjAccount(self, cfg, plan, password)
        acc.contact = self.planner.contact(cfg, plan)
        try:
            acc.create(build_config(cfg, password, plan), True)
        except pj.Error as err:
            self.planner.release(cfg.id)
            raise convert(err, f"adding account {cfg.id}") from None
        self.accounts[cfg.id] = acc
        self.gate.add(int(acc.getId()), cfg, route, acc.contact)
        if not cfg.registers:
            self.registration(acc.state(RegState.NONE))
        return acc.contact

    def update_route(self, account_id: str, route: Route) -> None:
        """Apply a new route: new transport and media address, register again (pjsua
        unregisters the old contact first), then re-INVITE the account's calls."""
        acc = self.account(account_id)
        plan = self.planner.plan(acc.config, route, acc.plan.turn_password)
        if plan == acc.plan:
            return
        self._modify(acc, plan)
        self.gate.set_route(account_id, route)
        self.planner.release(account_id, keep=plan)
        self.calls.refresh_account(account_id)

    def prepare_call(self, acc: PjAccount, family: int) -> None:
        """A direct account calling a peer of another address family switches first."""
        if acc.plan.media_address or acc.plan.family == family:
            return
        self._modify(acc, self.planner.with_family(acc.plan, family))

    def _modify(self, acc: PjAccount, plan: Plan) -> None:
        try:
            acc.modify(build_config(acc.config, acc.password, plan))
        except pj.Error as err:
            raise convert(err, f"changing the route of {acc.config.id}") from None
        acc.plan = plan
        acc.contact = self.planner.contact(acc.config, plan)

    def fix_sdp(self, call: PjCall, prm: pj.OnCallSdpCreatedParam) -> None:
        """Our SDP address for calls without a server route (see sdp.py); remembers
        what we offer, for the one-way-audio diagnosis."""
        plan = call.account.plan
        body = str(prm.sdp.wholeSdp)
        if not (plan.media_address or plan.stun or call.account.config.nat.ice):
            address = call.sdp_address
            if address is None:
                remote = str(prm.remSdp.wholeSdp)
                address = sdp.address_for_peer(remote) if remote else None
            if address:
                body = sdp.with_address(body, address)
                prm.sdp.wholeSdp = body
        call.local_rtp = sdp.offered_rtp(body)

    def remove_account(self, account_id: str) -> None:
        acc = self.account(account_id)
        for key, call in list(self.calls.calls.items()):
            if call.info.account_id == account_id and call.info.state is not CallState.ENDED:
                raise UsageError(f"account {account_id!r} still has call {key}")
        self.pager.forget_account(account_id)
        self.lamps.forget_account(account_id)
        del self.accounts[account_id]
        self.gate.remove(account_id)
        self.planner.release(account_id)
        if self.pinger.busy(account_id):
            self.graveyard.append(acc)
        else:
            acc.shutdown()

    def account_idle(self, acc: PjAccount) -> None:
        """A ping ended: a removed account can go once none is left."""
        if acc in self.graveyard and not self.pinger.busy(acc.config.id):
            self.graveyard.remove(acc)
            self.defer(acc.shutdown)

    def set_registration(self, account_id: str, register: bool) -> None:
        acc = self.account(account_id)
        if not acc.config.registers:
            raise UsageError(f"account {account_id!r} has no registrar (direct mode)")
        try:
            acc.setRegistration(register)
        except pj.Error as err:
            raise convert(
                err, f"{'registering' if register else 'unregistering'} {account_id}"
            ) from None

    def registration(self, state: AccountState) -> None:
        self.emit(RegistrationChanged(state))

    def call_changed(self, call: PjCall) -> None:
        self.emit(CallChanged(call.info))
        if call.info.direction is Direction.INCOMING:
            self.defer(self._ring_check)

    def incoming_call(self, call: PjCall) -> None:
        self.emit(IncomingCall(call.info))
        self.defer(self._ring_check)  # not inside pjsua's callback: a stream opens

    def _ring_check(self) -> None:
        """The ringtone plays while an incoming call rings (and no rule answered it)."""
        self.media.sound.ringing(any(
            c.info.direction is Direction.INCOMING and not c.info.screened
            and c.info.state in (CallState.INCOMING, CallState.RINGING)
            for c in self.calls.calls.values()))

    def sound_off_soon(self) -> None:
        """Close the null sound device a moment after the last call: pjmedia removes a
        call's ports (and closes its recordings' WAV files) on the conference clock's
        next ticks, and that clock stops with the device. Closed at once, a recording
        stayed unfinished (RIFF size 0) until the engine stopped. Any thread."""

        def off() -> None:
            if not self.calls.calls:
                self.stack.set_sound(False)

        timer = threading.Timer(SOUND_GRACE_S, lambda: self.defer(off))
        timer.daemon = True
        timer.start()

    def call_ended(self, call: PjCall) -> None:
        key = call.key

        def drop() -> None:
            self.media.release(key)
            self.calls.discard(key)

        self.defer(drop)

    def final_stats(self, call: PjCall, stats: CallStats) -> None:
        """A call's figures as it ended, before its CallChanged(ENDED)."""
        self.emit(CallStatsChanged(call.key, stats))

    def dtmf_received(self, call: PjCall, digit: str) -> None:
        self.emit(DtmfReceived(call.key, digit))

    def transfer_status(self, call: PjCall, code: int, reason: str, final: bool) -> None:
        """After a successful transfer we leave: pjsua leaves the hang-up to the
        transferor, and a target that ignores Replaces (baresip) keeps the consultation
        call up, so that one ends too. A failed transfer keeps both calls."""
        self.emit(TransferStatus(call.key, code, reason, final))
        if not final:
            return
        consultation = self.calls.consultations.pop(call.key, None)
        if 200 <= code < 300:
            keys = [k for k in (call.key, consultation) if k is not None]
            self.defer(lambda: self._hangup_all_quietly(keys))

    def _hangup_all_quietly(self, keys: list[str]) -> None:
        for key in keys:
            self._hangup_quietly(key)

    def _hangup_quietly(self, key: str) -> None:
        call = self.calls.calls.get(key)
        if call is not None and call.info.state is not CallState.ENDED and live_id(call):
            try:
                call.hangup(pj.CallOpParam(True))
            except pj.Error:
                log.debug("hangup after transfer of %s failed", key)

    def message_status(self, msg: Message) -> None:
        self.emit(MessageStatus(msg))

    def message_received(self, msg: Message) -> None:
        self.emit(MessageReceived(msg))

    def typing(self, account_id: str, peer: str, active: bool) -> None:
        self.emit(TypingChanged(account_id, peer, active))

    def notice(self, level: str, text: str) -> None:
        self.emit(Notice(level, text))

    def mwi(self, account_id: str, waiting: bool, new: int, old: int) -> None:
        self.emit(MwiChanged(account_id, waiting, new, old))

    def shutdown(self, wait_s: float = 2.0) -> None:
        """Hang up, unregister (bounded wait for the answers), drop every pjsua2
        object, then libDestroy without the network wait."""
        try:
            self.lamps.close()  # BLF hooks and buddies go before accounts and libDestroy
        except Exception:
            log.exception("closing lamps failed")
        self.calls.hangup_all()
        for acc in self.accounts.values():
            if acc.config.registers and self._reg_active(acc):
                acc.unregistering = True
                try:
                    acc.setRegistration(False)
                except pj.Error:
                    acc.unregistering = False
                    log.debug("unregister of %s failed", acc.config.id)
        deadline = time.monotonic() + wait_s
        while time.monotonic() < deadline and self._busy():
            self.stack.handle_events(20)
        self.media.release_all()
        self.stack.set_sound(False)  # the clock stops: no port callback from here on
        self.media.sound.drop_ports()
        self.calls.calls.clear()
        self.pager.buddies.clear()
        # Accounts stay alive through libDestroy: pjsua deletes them itself, after
        # ending pending requests whose callbacks still look the account up.
        survivors = [*self.accounts.values(), *self.graveyard]
        self.accounts.clear()
        self.graveyard.clear()
        self.gate.close()  # the module's thunk must not outlive it in pjsip's list
        self.stack.destroy()
        survivors.clear()

    def _busy(self) -> bool:
        live = any(c.info.state is not CallState.ENDED for c in self.calls.calls.values())
        return live or any(
            a.unregistering or (a.config.registers and self._reg_active(a))
            for a in self.accounts.values()
        )

    @staticmethod
    def _reg_active(acc: PjAccount) -> bool:
        try:
            return bool(acc.getInfo().regIsActive)
        except pj.Error:
            return False


def _room() -> IoqueueRoom | None:
    """The ioqueue's free sockets, or None (with a warning) when its layout is not the
    one ioqueue_room knows: calls then go on unguarded, as before."""
    try:
        room = IoqueueRoom()
        problem = room.probe()
    except (OSError, AttributeError, ValueError) as err:
        problem = str(err)
    if problem is None:
        return room
    log.warning("socket guard off: pjsip's ioqueue is not as expected (%s); calls begun "
                "faster than 2 a second may exhaust its 64 sockets", problem)
    return None
