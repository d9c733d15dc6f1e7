"""FakeBackend: an in-memory SIP world behind the ``SipBackend`` protocol.

Local accounts can call and message each other. Remote users behave by name:
``busy`` answers 486, ``nobody`` 404, ``noanswer`` rings forever, anyone else
answers at once. Used by unit tests of the engine and the front ends; the same
contract suite (tests/contract) runs against it and the pjsua2 backend.
"""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from tuiphone.engine.fake_lamps import FakeLamps
from tuiphone.model.account import AccountConfig, AccountState, DtmfMethod, RegState
from tuiphone.model.audio import AudioDevice, choose
from tuiphone.model.backend import BackendSettings, BodyPart, CallScreen, Emit, PingResult
from tuiphone.model.call import CallInfo, CallState, CallStats, Direction, MediaState
from tuiphone.model.errors import InvalidUri, LimitExceeded, NotFound, UsageError
from tuiphone.model.events import (
    CallChanged,
    DtmfReceived,
    Event,
    IncomingCall,
    LampChanged,
    MessageReceived,
    MessageStatus,
    RegistrationChanged,
    TransferStatus,
    TypingChanged,
)
from tuiphone.model.lamp import Lamp, LampState
from tuiphone.model.longtext import PART_HEADER
from tuiphone.model.message import MAX_BODY, Delivery, Message
from tuiphone.model.network import Route
from tuiphone.model.rtp import RtpPacket

_REMOTE = {"busy": (486, "Busy Here"), "nobody": (404, "Not Found")}


def user_host(uri: str) -> tuple[str, str]:
    """('alice', '127.0.0.1') from 'sip:alice@127.0.0.1:5060;transport=udp'. Raises InvalidUri."""
    bare = uri.strip("<>")
    scheme, sep, rest = bare.partition(":")
    if not sep or scheme.lower() not in ("sip", "sips") or "@" not in rest:
        raise InvalidUri(f"not a SIP URI: {uri!r}")
    user, host = rest.split(";", 1)[0].split("@", 1)
    if not user or not host or any(c.isspace() for c in bare):
        raise InvalidUri(f"not a SIP URI: {uri!r}")
    return user, host.rsplit(":", 1)[0] if host.count(":") == 1 else host


@dataclass
class _Leg:
    info: CallInfo
    peer: str | None = None  # the other local leg's id


class FakeBackend:
    def __init__(self, port: int = 5060, register_failure: Mapping[str, tuple[int, str]] = {}):
        self.port = port
        self.register_failure = dict(register_failure)
        self.accounts: dict[str, AccountConfig] = {}
        self.routes: dict[str, Route] = {}  # what the engine decided, for tests to read
        # the next MESSAGEs fail with these (code, reason), in order; then they go through
        self.message_failures: list[tuple[int, str]] = []
        self.sent_messages: list[tuple[str, str, str]] = []  # (account, uri, body) handed over
        self.sent_typing: list[tuple[str, str, bool]] = []  # (account, uri, active)
        self.legs: dict[str, _Leg] = {}
        self.sent_parts: list[tuple[BodyPart, ...]] = []  # INVITE body parts, per call
        self.sent_dtmf: dict[str, str] = {}
        self.played: dict[str, str] = {}
        self.recorded: dict[str, str] = {}
        self.sound_devices: list[AudioDevice] = [
            AudioDevice(0, "default", "ALSA", 32, 32, True, True),
            AudioDevice(1, "Headset", "ALSA", 1, 2)]
        self.chosen_devices: dict[str, str | None] = {}
        self.looped: set[str] = set()
        self.ended: set[str] = set()
        self.stopped = False
        self._emit: Emit | None = None
        self._ids = itertools.count(1)
        self._settings = BackendSettings()
        self._screen: CallScreen | None = None
        self.lamps = FakeLamps(self._local_id, self._account_legs, self._send)

    # plumbing

    def _send(self, event: Event) -> None:
        assert self._emit is not None, "backend not started"
        asyncio.get_running_loop().call_soon(self._emit, event)

    def _leg(self, call_id: str) -> _Leg:
        try:
            return self.legs[call_id]
        except KeyError:
            raise NotFound(f"no call {call_id!r}") from None

    def _set(self, call_id: str, **changes: object) -> None:
        leg = self._leg(call_id)
        if "state" in changes and changes["state"] is CallState.CONNECTED and not leg.info.answered:
            changes["answered"] = time.time()
        if changes.get("state") is CallState.ENDED:
            changes["ended"] = time.time()
            changes["media"] = MediaState.NONE
            del self.legs[call_id]
            self.ended.add(call_id)
        leg.info = replace(leg.info, **changes)  # type: ignore[arg-type]
        self._send(CallChanged(leg.info))
        if leg.info.state is CallState.ENDED and leg.info.conference:
            rest = [i for i, other in self.legs.items() if other.info.conference]
            if len(rest) == 1:  # a conference of one is over
                self._set(rest[0], conference=False)
        self.lamps.refresh_all()

    # lifecycle and accounts

    async def start(self, settings: BackendSettings, emit: Emit) -> None:
        self._settings, self._emit = settings, emit

    def set_call_screen(self, screen: CallScreen | None) -> None:
        self._screen = screen

    async def stop(self) -> None:
        for call_id in list(self.legs):
            self._set(call_id, state=CallState.ENDED, code=200, reason="Shutdown")
        self.stopped = True

    async def add_account(
        self,
        config: AccountConfig,
        password: str | None,
        route: Route | None = None,
        turn_password: str | None = None,
        tls_key_password: str | None = None,
    ) -> str:
        if len(self.accounts) >= 8:
            raise LimitExceeded("at most 8 accounts")
        user_host(config.uri)
        self.accounts[config.id] = config
        if config.registers:
            self._registration(config.id, True)
        else:
            self._send(RegistrationChanged(AccountState(config.id, config.uri, RegState.NONE)))
        if route is not None:
            self.routes[config.id] = route
        user, host = user_host(config.uri)
        local = route.local_address if route and route.local_address else "127.0.0.1"
        return f"<sip:{user}@{self._settings.bind_address or local}:{self.port}>"

    async def update_route(self, account_id: str, route: Route) -> None:
        """Remember the route and register again, as the pjsua backend does."""
        if account_id not in self.accounts:
            raise NotFound(f"no account {account_id!r}")
        self.routes[account_id] = route
        if self.accounts[account_id].registers:
            self._registration(account_id, True)

    async def remove_account(self, account_id: str) -> None:
        self.accounts.pop(account_id, None)

    async def set_registration(self, account_id: str, register: bool) -> None:
        self._registration(account_id, register)

    def _registration(self, account_id: str, register: bool) -> None:
        acc = self.accounts[account_id]
        self._send(RegistrationChanged(AccountState(acc.id, acc.uri, RegState.REGISTERING)))
        if not register:
            state = AccountState(acc.id, acc.uri, RegState.UNREGISTERED, 200, "OK")
        elif account_id in self.register_failure:
            code, reason = self.register_failure[account_id]
            state = AccountState(acc.id, acc.uri, RegState.FAILED, code, reason)
        else:
            expires = acc.register_expires
            state = AccountState(acc.id, acc.uri, RegState.REGISTERED, 200, "OK", expires)
        self._send(RegistrationChanged(state))

    # calls

    def _local_account(self, uri: str) -> AccountConfig | None:
        user, _host = user_host(uri)
        return next((a for a in self.accounts.values() if user_host(a.uri)[0] == user), None)

    async def make_call(
        self,
        account_id: str,
        uri: str,
        headers: Mapping[str, str] | None = None,
        route: Route | None = None,
        parts: Sequence[BodyPart] = (),
        caller: str | None = None,
    ) -> str:
        acc = self.accounts[account_id]
        user, _ = user_host(uri)
        self.sent_parts.append(tuple(parts))
        if len(self.legs) >= 4:
            raise LimitExceeded("at most 4 simultaneous calls")
        call_id = f"c{next(self._ids)}"
        info = CallInfo(
            call_id,
            acc.id,
            Direction.OUTGOING,
            uri,
            CallState.CALLING,
            started=time.time(),
            headers=tuple((headers or {}).items()),
        )
        self.legs[call_id] = _Leg(info)
        self._send(CallChanged(info))
        callee = self._local_account(uri)
        if callee is not None:
            self._ring_local(call_id, acc, callee)
        elif user in _REMOTE:
            code, reason = _REMOTE[user]
            self._set(call_id, state=CallState.ENDED, code=code, reason=reason)
        elif user != "noanswer":
            self._set(call_id, state=CallState.RINGING, code=180, reason="Ringing")
            self._set(
                call_id, state=CallState.CONNECTED, code=200, reason="OK", media=MediaState.ACTIVE
            )
        else:
            self._set(call_id, state=CallState.RINGING, code=180, reason="Ringing")
        return call_id

    def _ring_local(self, call_id: str, caller: AccountConfig, callee: AccountConfig) -> None:
        in_id = f"c{next(self._ids)}"
        info = CallInfo(
            in_id,
            callee.id,
            Direction.INCOMING,
            caller.uri,
            CallState.INCOMING,
            started=time.time(),
        )
        screened = self._screen(info) if self._screen is not None else None
        if screened is not None:
            info = replace(info, screened=screened.words)
        self.legs[in_id] = _Leg(info, peer=call_id)
        self.legs[call_id].peer = in_id
        self._send(IncomingCall(info))
        if screened is not None:  # answered by a rule: both legs end with its code
            reason = "Moved Temporarily" if screened.code == 302 else screened.rule
            self._set(in_id, state=CallState.ENDED, code=screened.code, reason=reason)
            self._set(call_id, state=CallState.ENDED, code=screened.code, reason=reason)
            return
        self._set(call_id, state=CallState.RINGING, code=180, reason="Ringing")
        if callee.auto_answer:
            self._connect(in_id)

    def _connect(self, call_id: str) -> None:
        leg = self._leg(call_id)
        self._set(
            call_id, state=CallState.CONNECTED, code=200, reason="OK", media=MediaState.ACTIVE
        )
        if leg.peer in self.legs:
            self._set(
                leg.peer, state=CallState.CONNECTED, code=200, reason="OK", media=MediaState.ACTIVE
            )

    async def answer(self, call_id: str, code: int = 200) -> None:
        leg = self._leg(call_id)
        if leg.info.direction is not Direction.INCOMING:
            raise UsageError("cannot answer an outgoing call")
        if code >= 200:
            self._connect(call_id)
        else:
            self._set(call_id, state=CallState.RINGING, code=code, reason="Ringing")

    async def hangup(self, call_id: str, code: int = 0) -> None:
        if call_id in self.ended:
            return  # idempotent, like pjsua2's backend
        leg = self._leg(call_id)
        incoming_unanswered = leg.info.direction is Direction.INCOMING and not leg.info.answered
        if incoming_unanswered:
            code = code or 603
            reason = {486: "Busy Here", 603: "Decline"}.get(code, "Rejected")
        else:
            code, reason = (
                (200, "Normal call clearing") if leg.info.answered else (487, "Request Terminated")
            )
        self._set(call_id, state=CallState.ENDED, code=code, reason=reason)
        if leg.peer in self.legs:
            self._set(leg.peer, state=CallState.ENDED, code=code, reason=reason)

    async def redirect(self, call_id: str, target: str) -> None:
        user_host(target)
        await self.hangup(call_id, 302)

    async def hold(self, call_id: str) -> None:
        self._media(call_id, MediaState.LOCAL_HOLD, MediaState.REMOTE_HOLD)

    async def resume(self, call_id: str) -> None:
        self._media(call_id, MediaState.ACTIVE, MediaState.ACTIVE)

    def _media(self, call_id: str, mine: MediaState, theirs: MediaState) -> None:
        leg = self._leg(call_id)
        self._set(call_id, media=mine)
        if leg.peer in self.legs:
            self._set(leg.peer, media=theirs)

    async def set_mute(self, call_id: str, muted: bool) -> None:
        self._set(call_id, muted=muted)

    async def send_dtmf(self, call_id: str, digits: str, method: DtmfMethod) -> None:
        leg = self._leg(call_id)
        self.sent_dtmf[call_id] = self.sent_dtmf.get(call_id, "") + digits
        if leg.peer in self.legs:
            for digit in digits:
                self._send(DtmfReceived(leg.peer, digit))

    async def transfer(self, call_id: str, target: str) -> None:
        user_host(target)
        self._leg(call_id)
        for code, final in ((100, False), (200, True)):
            self._send(TransferStatus(call_id, code, "OK" if final else "Trying", final))

    async def transfer_attended(self, call_id: str, target_call_id: str) -> None:
        self._leg(target_call_id)
        await self.transfer(call_id, self._leg(target_call_id).info.remote_uri)

    async def conference(self, call_ids: Sequence[str]) -> None:
        joining = [self._leg(c).info.id for c in call_ids if not self._leg(c).info.conference]
        members = [i for i, leg in self.legs.items() if leg.info.conference]
        if len(members) + len(joining) < 2:
            raise UsageError("a conference needs at least two calls")
        for call_id in [*members, *joining]:
            if not self._leg(call_id).info.conference:
                self._set(call_id, conference=True)

    async def leave_conference(self, call_ids: Sequence[str]) -> None:
        for call_id in call_ids:
            if not self._leg(call_id).info.conference:
                raise UsageError(f"call {call_id} is not in the conference")
        for call_id in call_ids:
            self._set(call_id, conference=False)
        rest = [i for i, leg in self.legs.items() if leg.info.conference]
        if len(rest) == 1:
            self._set(rest[0], conference=False)

    # messages, diagnostics, media

    async def send_message(
        self, account_id: str, uri: str, body: str, content_type: str, message_id: str,
        headers: tuple[tuple[str, str], ...] = (),
    ) -> None:
        if len(body.encode()) > MAX_BODY:
            raise LimitExceeded(f"message body over {MAX_BODY} bytes")
        acc = self.accounts[account_id]
        self.sent_messages.append((account_id, uri, body))
        user, _ = user_host(uri)
        callee = self._local_account(uri)
        now = time.time()
        out = Message(
            message_id, account_id, "out", uri, body, content_type, now, Delivery.SENT, 200, "OK"
        )
        code, reason = self.message_failures.pop(0) if self.message_failures else (200, "OK")
        if code >= 300:  # a 2xx entry lets this one through (to fail a later one)
            out = replace(out, delivery=Delivery.FAILED, code=code, reason=reason)
        elif callee is None and user in _REMOTE:
            code, reason = _REMOTE[user]
            out = replace(out, delivery=Delivery.FAILED, code=code, reason=reason)
        elif callee is not None:
            incoming = Message(
                f"in-{message_id}",
                callee.id,
                "in",
                acc.uri,
                body,
                content_type,
                now,
                Delivery.RECEIVED,
                part=dict(headers).get(PART_HEADER, ""),
            )
            self._send(MessageReceived(incoming))
        self._send(MessageStatus(out))

    async def send_typing(self, account_id: str, uri: str, active: bool) -> None:
        acc = self.accounts[account_id]
        self.sent_typing.append((account_id, uri, active))
        callee = self._local_account(uri)
        if callee is not None:
            self._send(TypingChanged(callee.id, acc.uri, active))

    async def ping(self, account_id: str, uri: str, timeout_s: float) -> PingResult:
        user, _ = user_host(uri)
        code, reason = _REMOTE.get(user, (200, "OK"))
        return PingResult(code, reason, 0.1)

    async def rtp_packets(self) -> list[RtpPacket]:
        return []  # the fake sends no RTP

    async def codecs(self, account_id: str | None = None) -> list[str]:
        wheel = ["G722/16000/1", "PCMA/8000/1", "PCMU/8000/1", "speex/16000/1",
                 "speex/8000/1", "speex/32000/1", "iLBC/8000/1", "GSM/8000/1"]
        if account_id is not None and account_id not in self.accounts:
            raise NotFound(f"no account {account_id!r}")
        names = [n.lower() for n in self.accounts[account_id].codecs] if account_id else []
        first = [c for n in names for c in wheel if c.lower().startswith(n + "/")]
        return [*dict.fromkeys([*first, *wheel])]

    async def call_stats(self, call_id: str) -> CallStats:
        leg = self._leg(call_id)
        seconds = max(0.0, time.time() - (leg.info.answered or time.time()))
        packets = max(1, int(seconds * 50))
        return CallStats("PCMU", 8000, packets, 0, 0.5, packets, 1.0, 20.0)

    async def play_file(self, call_id: str, path: str) -> None:
        self._leg(call_id)
        self.played[call_id] = path

    async def record_call(self, call_id: str, path: str | None = None,
                          stereo: bool = False, heard_only: bool = False) -> str:
        leg = self._leg(call_id)
        media = self._settings.media
        if path is None:
            if not media.record_dir:
                raise UsageError("no [audio] record_dir: give the file to record to (--out)")
            path = f"{media.record_dir}/{int(leg.info.started)}-{call_id}.wav"
        self.recorded[call_id] = path
        if not heard_only:
            self._set(call_id, recording=path)
        return path

    async def stop_recording(self, call_id: str) -> str:
        leg = self._leg(call_id)
        if not leg.info.recording:
            raise UsageError(f"call {call_id} is not being recorded")
        path = leg.info.recording
        self._set(call_id, recording="")
        return path

    async def audio_devices(self) -> list[AudioDevice]:
        return list(self.sound_devices)

    async def set_audio_device(self, role: str, device: str | None) -> str:
        index = choose(self.sound_devices, device, "output" if role == "ring" else role)
        self.chosen_devices[role] = device
        return next((d.name for d in self.sound_devices if d.index == index), "default")

    async def loopback(self, call_id: str) -> None:
        self._leg(call_id)
        self.looped.add(call_id)

    # lamps and presence

    def _local_id(self, uri: str) -> str | None:
        try:
            acc = self._local_account(uri)
        except InvalidUri:
            return None
        return acc.id if acc is not None else None

    def _account_legs(self, account_id: str) -> list[CallInfo]:
        return [leg.info for leg in self.legs.values() if leg.info.account_id == account_id]

    async def subscribe_lamps(
        self, account_id: str, uris: Sequence[str], *, blf: bool, presence: bool
    ) -> None:
        if account_id not in self.accounts:
            raise NotFound(f"no account {account_id!r}")
        good = []
        for uri in uris:
            try:
                user_host(uri)
                good.append(uri)
            except InvalidUri as err:
                self._send(LampChanged(Lamp(uri, LampState.FAILED, reason=str(err))))
        self.lamps.subscribe(account_id, good)

    async def unsubscribe_lamps(self, account_id: str, uris: Sequence[str]) -> None:
        self.lamps.unsubscribe(account_id, uris)

    async def set_presence(self, account_id: str, state: str, note: str = "") -> None:
        if account_id not in self.accounts:
            raise NotFound(f"no account {account_id!r}")
        self.lamps.set_presence(account_id, state, note)
