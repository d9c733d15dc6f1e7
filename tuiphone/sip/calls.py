"""The call registry and call operations. Every method runs on the pjsip thread.

Calls are known outside only by string ids ("c1", "c2", ...); the PjCall objects
live here and are dropped outside their own callbacks.
"""

from __future__ import annotations

import collections
import dataclasses
import itertools
import logging
import re
import time
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import pjsua2 as pj

from tuiphone.model.account import DtmfMethod
from tuiphone.model.backend import BodyPart
from tuiphone.model.call import CallInfo, CallState, Direction, LocationRefusal
from tuiphone.model.errors import LimitExceeded, NotFound, TuiphoneError, UsageError
from tuiphone.model.network import Route
from tuiphone.model.rules import Screening
from tuiphone.model.trust import CallerIdentity
from tuiphone.net.routes import local_address_for
from tuiphone.net.sipuri import ip_literal, parse_target
from tuiphone.sip import sdp
from tuiphone.sip.call import PjCall, new_info
from tuiphone.sip.callinfo import custom_headers
from tuiphone.sip.endpoint import MAX_CALLS
from tuiphone.sip.errors import PJ_ETOOMANY, PJSIP_ESESSIONTERMINATED, convert, pj_status
from tuiphone.sip.geoloc import add_parts, retry_request
from tuiphone.sip.uri import check_uri

log = logging.getLogger("tuiphone.sip.calls")

if TYPE_CHECKING:
    from tuiphone.sip.account import PjAccount
    from tuiphone.sip.core import Core

_DTMF = {
    DtmfMethod.RFC4733: pj.PJSUA_DTMF_METHOD_RFC2833,
    DtmfMethod.INFO: pj.PJSUA_DTMF_METHOD_SIP_INFO,
}
_TOKEN = re.compile(r"[A-Za-z0-9!%*_+`'~.-]+")
_ENDED_KEPT = 64  # ids of ended calls remembered, so late ops get a clear error
_DTMF_CHARS = frozenset("0123456789*#ABCDabcd")
IPV6_WARNING = '301 tuiphone "Incompatible network address formats: no IPv6 media"'


class CallRegistry:
    def __init__(self, core: Core) -> None:
        self.core = core
        self.calls: dict[str, PjCall] = {}
        self.ended: collections.OrderedDict[str, CallInfo] = collections.OrderedDict()
        # attended transfers under way: transferred call -> consultation call
        self.consultations: dict[str, str] = {}
        self._ids = itertools.count(1)

    def get(self, key: str) -> PjCall:
        """The live wrapper of ``key``. Raises UsageError if it ended, NotFound if unknown."""
        call = self.calls.get(key)
        if call is None:
            if key in self.ended:
                raise UsageError(f"call {key} has ended")
            raise NotFound(f"no call {key!r}")
        return call

    def live(self, key: str) -> PjCall:
        """The call ``key`` if pjsua still has it; UsageError once it has ended."""
        call = self.get(key)
        if call.info.state is CallState.ENDED or not live_id(call):
            raise UsageError(f"call {key} has ended")
        return call

    def _new(self, acc: PjAccount, direction: Direction, remote: str, pj_id: int = -1,
             owner: str | None = None) -> PjCall:
        info = new_info(f"c{next(self._ids)}", owner or acc.config.id, direction, remote)
        call = PjCall(self.core, acc, acc.config.id, info, pj_id)
        self.calls[info.id] = call
        self.core.stack.set_sound(True)
        return call

    def make(
        self, acc: PjAccount, uri: str, headers: Mapping[str, str] | None, route: Route | None,
        parts: Sequence[BodyPart] = (),
        owner: str | None = None,
    ) -> str:
        check_uri(self.core.stack.ep, uri)
        self._drop_ended()
        if self._active() >= MAX_CALLS:
            raise LimitExceeded(f"at most {MAX_CALLS} simultaneous calls (pjsua2 wheel limit)")
        if route is None:
            route = peer_route(uri)
        if route is not None:
            self.core.prepare_call(acc, route.family)
        call = self._new(acc, Direction.OUTGOING, uri, owner=owner)
        call.sdp_address = route.local_address if route is not None else None
        op = pj.CallOpParam(True)
        for name, value in (headers or {}).items():
            op.txOption.headers.append(_header(*check_header(name, value)))
        add_parts(op, parts)
        if any(n.lower() == "geolocation" for n in (headers or {})):
            call.location_retry = (uri, dict(headers or {}))  # RFC 6442 §4.3: one retry
        try:
            self.core.use_codecs(acc.config.codecs)
            self._dial(call, uri, op)
        except pj.Error as err:
            self.discard(call.key)
            raise convert(err, f"calling {uri}") from None
        self.core.call_changed(call)
        return call.key

    def redial_located(self, key: str, refusal: LocationRefusal) -> None:
        """A 424 ended an INVITE that carried a location: place it again, under the same
        call id, with the location the server returned (or none). Deferred job, never
        inside the old call's callback."""
        old = self.calls.pop(key, None)
        if old is None or old.location_retry is None:
            return
        self.core.media.release(key)
        (uri, headers), acc, info = old.location_retry, old.account, old.info
        sdp_address = old.sdp_address
        del old  # its destructor runs now, before a new call may take its slot
        call = PjCall(self.core, acc, info.account_id,
                      dataclasses.replace(info, location_refusal=refusal), -1)
        call.sdp_address = sdp_address
        self.calls[call.key] = call
        domain = acc.config.uri.rsplit("@", 1)[-1].split(";", 1)[0].split(":", 1)[0]
        headers, parts = retry_request(headers, refusal, f"loc-retry-{call.key}@{domain}")
        op = pj.CallOpParam(True)
        for name, value in headers.items():
            op.txOption.headers.append(_header(name, value))
        add_parts(op, parts)
        how = ("with the location the server returned" if parts or "Geolocation" in headers
               else "without location")
        self.core.notice("warning", f"{call.key}: 424 Bad Location Information "
                                    f"({refusal.error or 'no Geolocation-Error'}); calling "
                                    f"again {how}")
        try:
            self._dial(call, uri, op)
        except pj.Error as err:
            self.core.log_debug(f"redial of {call.key} after 424 failed: {err}")
            call.update(state=CallState.ENDED, code=424, ended=time.time())
            self.discard(call.key)
            return
        self.core.call_changed(call)

    def _dial(self, call: PjCall, uri: str, op: pj.CallOpParam) -> None:
        """makeCall. pjsua reports a call's end before it frees the call's slot, which
        it does on a later pass of its event loop: a call placed as soon as another
        ended got PJ_ETOOMANY with three calls up (measured, one engine, SIPp UAS). So,
        while fewer than MAX_CALLS calls are up, let pjsua run its events (bounded) and
        try again."""
        self._wait_for_room()
        for _ in range(_SLOT_TRIES):
            try:
                call.makeCall(uri, op)
                return
            except pj.Error as err:
                if pj_status(err) != PJ_ETOOMANY or self._active() > MAX_CALLS:
                    raise
            self.core.stack.handle_events(_SLOT_WAIT_MS)
            self._drop_ended()  # calls may have ended during those events
        call.makeCall(uri, op)

    def _wait_for_room(self) -> None:
        """Sockets for the call's media, or LimitExceeded. A closed socket's slot in
        pjsip's ioqueue is free only 500 ms later (see ioqueue_room): after a burst of
        calls, let pjsua run its events until enough are back (bounded)."""
        room = self.core.room
        if room is None or room.free() >= ROOM_FOR_CALL:
            return
        deadline = time.monotonic() + _ROOM_WAIT_S
        while time.monotonic() < deadline:
            self.core.stack.handle_events(_ROOM_POLL_MS)
            if room.free() >= ROOM_FOR_CALL:
                return
        raise LimitExceeded("no free sockets for the call's media: calls are starting faster "
                            "than pjsip frees their sockets (500 ms after each ends); "
                            "try again in a moment")

    def _drop_ended(self) -> None:
        """Forget the calls that have ended now, not in the deferred job their end
        queued: a new call may take an ended call's pjsua slot first, and a wrapper
        dropped after that still holds the slot's id, so pjsua2's destructor hangs up
        the new call (a CANCEL right after its INVITE, and no event for it ever)."""
        for key, call in list(self.calls.items()):
            if call.info.state is CallState.ENDED:
                self.core.media.release(key)
                self.discard(key)

    def _active(self) -> int:
        return sum(1 for c in self.calls.values() if c.info.state is not CallState.ENDED)

    def incoming(self, acc: PjAccount, pj_id: int, whole_msg: str,
                 caller: tuple[CallerIdentity, str] | None = None) -> None:
        from_hdr = _header_value(whole_msg, ("from", "f"))
        call = self._new(acc, Direction.INCOMING, from_hdr, pj_id)
        if caller is not None:
            call.vouch(*caller)
        call.amend(**call.refresh(), headers=custom_headers(whole_msg))
        screened = self._screened(call)
        self.core.incoming_call(call)
        # A final answer from inside onIncomingCall can abort pjsip (it frees the INVITE's
        # copy twice, see gate_refuse): those answers go in a job right after it.
        if screened is not None:
            self.core.defer(lambda: self._answer_later(call, screened.code,
                                                       screened.target or None))
            return
        if sdp.ipv6_only(whole_msg.split("\r\n\r\n", 1)[-1]):
            self.core.notice("warning", f"call from {call.info.remote_uri} refused: it offers "
                                        "IPv6 media only, and this pjsua2 build has IPv4 media")
            self.core.defer(lambda: self._answer_later(call, 488, warning=IPV6_WARNING))
            return
        self._answer(call, 200 if acc.config.auto_answer else 180)

    def _screened(self, call: PjCall) -> Screening | None:
        """The engine rule that answers ``call`` instead of ringing (marked on the call)."""
        screened = self.core.screen_call(call.info)
        if screened is None:
            return None
        if screened.target:
            try:
                check_uri(self.core.stack.ep, screened.target)
            except TuiphoneError as err:
                self.core.notice("warning", f"{screened.rule}: {err}; the call rings instead")
                return None
        call.amend(screened=screened.words)
        return screened

    def answer(self, key: str, code: int) -> None:
        if not 101 <= code <= 699:
            raise UsageError(f"answer code must be 101-699, not {code}")
        call = self.live(key)
        if call.info.direction is Direction.OUTGOING:
            raise UsageError(f"call {key} is outgoing: only incoming calls can be answered")
        self._answer(call, code)

    def _answer(
        self, call: PjCall, code: int, contact: str | None = None, warning: str | None = None
    ) -> None:
        op = pj.CallOpParam(True)
        op.statusCode = code
        if 200 <= code < 300:
            self.core.use_codecs(call.account.config.codecs)
        if contact is not None:
            op.txOption.headers.append(_header("Contact", f"<{contact}>"))
        if warning is not None:
            op.txOption.headers.append(_header("Warning", warning))
        try:
            call.answer(op)
        except pj.Error as err:
            raise convert(err, f"answering {call.key}") from None

    def _answer_later(self, call: PjCall, code: int, contact: str | None = None,
                      warning: str | None = None) -> None:
        """A deferred final answer; the caller may have given up meanwhile."""
        try:
            self._answer(call, code, contact, warning)
        except TuiphoneError as err:
            log.debug("answer %s to %s not sent: %s", code, call.key, err)

    def redirect(self, key: str, target: str) -> None:
        check_uri(self.core.stack.ep, target)
        self._answer(self.live(key), 302, target)

    def hangup(self, key: str, code: int) -> None:
        """CANCEL/BYE/final response; a no-op for a call that has already ended."""
        if code and not 300 <= code <= 699:
            raise UsageError(f"hangup code must be 0 or 300-699, not {code}")
        if key in self.ended:
            return
        call = self.get(key)
        if call.info.state is CallState.ENDED or not live_id(call):
            return
        op = pj.CallOpParam(True)
        if code:
            op.statusCode = code
        try:
            call.hangup(op)
        except pj.Error as err:
            if pj_status(err) == PJSIP_ESESSIONTERMINATED:
                return
            raise convert(err, f"hanging up {key}") from None

    def hold(self, key: str, on: bool) -> None:
        call = self.live(key)
        op = pj.CallOpParam(True)
        try:
            if on:
                call.setHold(op)
            else:
                op.opt.flag = pj.PJSUA_CALL_UNHOLD
                call.reinvite(op)
        except pj.Error as err:
            raise convert(err, f"{'holding' if on else 'resuming'} {key}") from None

    def dtmf(self, key: str, digits: str, method: DtmfMethod) -> None:
        if not digits or not set(digits) <= _DTMF_CHARS:
            raise UsageError(f"DTMF digits must be 0-9 * # A-D, not {digits!r}")
        call = self.live(key)
        if method is DtmfMethod.INBAND:
            self.core.media.inband_dtmf(call, digits)
            return
        prm = pj.CallSendDtmfParam()
        prm.digits = digits
        prm.method = _DTMF[method]
        try:
            call.sendDtmf(prm)
        except pj.Error as err:
            raise convert(err, f"sending DTMF on {key}") from None

    def transfer(self, key: str, target: str) -> None:
        check_uri(self.core.stack.ep, target)
        try:
            self.live(key).xfer(target, pj.CallOpParam(True))
        except pj.Error as err:
            raise convert(err, f"transferring {key}") from None

    def transfer_attended(self, key: str, target_key: str) -> None:
        call, target = self.live(key), self.live(target_key)
        try:
            call.xferReplaces(target, pj.CallOpParam(True))
        except pj.Error as err:
            raise convert(err, f"transferring {key} to {target_key}") from None
        self.consultations[key] = target_key

    def adopt_transfer(self, old: PjCall, target: str) -> PjCall:
        """The transferee's new leg (REFER received): a fresh call we get callbacks for."""
        acc = self.core.account(old.info.account_id)
        return self._new(acc, Direction.OUTGOING, target)

    def adopt_replacement(self, old: PjCall, pj_id: int) -> PjCall:
        """An INVITE with Replaces took over ``old``: wrap the new pjsua call."""
        acc = self.core.account(old.info.account_id)
        call = self._new(acc, Direction.INCOMING, old.info.remote_uri, pj_id)
        call.update(**call.refresh())
        return call

    def discard(self, key: str) -> None:
        """Forget a call (its Python wrapper dies here, outside its callbacks)."""
        call = self.calls.pop(key, None)
        if call is not None:
            self.ended[key] = call.info
            while len(self.ended) > _ENDED_KEPT:
                self.ended.popitem(last=False)
        if not self.calls:
            self.core.sound_off_soon()

    def refresh_account(self, account_id: str) -> None:
        """Re-INVITE the account's connected calls with its new Contact and media
        address (after a route change). A peer that refuses keeps the old media."""
        flags = pj.PJSUA_CALL_UPDATE_CONTACT | pj.PJSUA_CALL_UPDATE_VIA | pj.PJSUA_CALL_REINIT_MEDIA
        for key, call in list(self.calls.items()):
            if call.info.account_id != account_id or call.info.state is not CallState.CONNECTED:
                continue
            op = pj.CallOpParam(True)
            op.opt.flag = flags
            try:
                call.reinvite(op)
            except pj.Error as err:
                self.core.log_debug(f"re-INVITE of {key} after a route change failed: {err}")

    def hangup_all(self) -> None:
        for key, call in list(self.calls.items()):
            if call.info.state is not CallState.ENDED and live_id(call):
                try:
                    call.hangup(pj.CallOpParam(True))
                except pj.Error:
                    self.core.log_debug(f"hangup of {key} at shutdown failed")


ROOM_FOR_CALL = 4  # free ioqueue keys to place a call: RTP, RTCP and spare for SIP
_ROOM_WAIT_S = 0.6  # a little over pjlib's 500 ms key delay
_ROOM_POLL_MS = 20
_SLOT_TRIES = 10  # times _SLOT_WAIT_MS: at most 50 ms on the pjsip thread
_SLOT_WAIT_MS = 5


def peer_route(uri: str) -> Route | None:
    """The route to a callee given as an IP literal (the engine resolves names)."""
    try:
        target = parse_target(uri)
    except ValueError:
        return None
    literal = ip_literal(target.host)
    local = local_address_for(literal) if literal else None
    if literal is None or local is None:
        return None
    return Route(transport=target.transport or "udp", family=6 if ":" in literal else 4,
                 local_address=local)


def live_id(call: pj.Call) -> bool:
    """True if the wrapper has a pjsua call slot (pjsua asserts on id -1)."""
    return 0 <= int(call.getId()) < MAX_CALLS


def check_header(name: str, value: str) -> tuple[str, str]:
    """A custom header as given, or UsageError (no CR/LF injection, token names only)."""
    if not _TOKEN.fullmatch(name) or "\r" in value or "\n" in value:
        raise UsageError(f"bad SIP header {name!r}: names are tokens, values one line")
    return name, value


def _header(name: str, value: str) -> pj.SipHeader:
    h = pj.SipHeader()
    h.hName = name
    h.hValue = value
    return h


def _header_value(msg: str, names: tuple[str, ...]) -> str:
    for line in msg.splitlines():
        name, sep, value = line.partition(":")
        if sep and name.strip().lower() in names:
            return value.strip()
        if not line.strip():
            break
    return ""
