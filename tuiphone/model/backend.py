"""The protocol between the engine and a SIP stack.

``tuiphone.sip.PjBackend`` implements it over pjsua2; ``tuiphone.engine.fake.FakeBackend``
implements it in memory. One contract suite (tests/contract) runs against both.

Threading contract: every coroutine is awaited on the engine's asyncio loop; the
backend calls ``emit`` only on that same loop (a pjsua2 backend hops with
``loop.call_soon_threadsafe``). Methods raise only ``tuiphone.model.errors`` types.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from tuiphone.model.account import AccountConfig, DtmfMethod
from tuiphone.model.audio import AudioDevice
from tuiphone.model.call import CallInfo, CallStats
from tuiphone.model.events import Event
from tuiphone.model.network import Route
from tuiphone.model.rtp import RtpPacket
from tuiphone.model.rules import Screening

Emit = Callable[[Event], None]
# Asked about each incoming call before its first response, on the backend's own thread:
# a Screening answers the call with it instead of ringing. Must not block or raise.
CallScreen = Callable[[CallInfo], "Screening | None"]
PRESENCE_STATES = ("available", "away", "dnd", "busy", "on-the-phone", "offline")


@dataclass(frozen=True, slots=True)
class MediaSettings:
    """How audio flows. ``mode``: "null" (default), "files", or "device"."""

    mode: str = "null"
    play_file: str | None = None  # files mode: WAV played into every call
    record_dir: str | None = None  # where recordings go (every call, with record_calls "all")
    record_calls: str = "all"  # all | none | ask (with record_dir; "ask": the TUI asks)
    vad: bool = False
    # device mode: a PortAudio device name (or part of one) or index; None: the default
    input: str | None = None
    output: str | None = None
    ring: str | None = None  # where the ringtone plays (None: the output device)
    ringtone: str | None = None  # device mode: a WAV played while a call rings


@dataclass(frozen=True, slots=True)
class BackendSettings:
    """``bind_address`` None listens on every IPv4 and IPv6 address. ``nameservers``
    lets pjsua resolve SRV records itself; ``stun_servers`` are "host[:port]"."""

    bind_address: str | None = None
    media: MediaSettings = MediaSettings()
    max_calls: int = 4
    poll_ms: int = 500
    log_level: int = 0  # pjsua console/log level besides the SIP trace
    user_agent: str = "tuiphone"
    nameservers: tuple[str, ...] = ()
    stun_servers: tuple[str, ...] = ()
    rtp_headers: int = 0  # RTP headers kept in memory for `trace --pcap --rtp`; 0: none


@dataclass(frozen=True, slots=True)
class BodyPart:
    """A body part an INVITE carries besides the stack's SDP (a PIDF-LO): the request
    becomes multipart/mixed. ``content_id`` is bare (no ``<>``, no ``cid:``)."""

    content_type: str
    body: str
    content_id: str = ""


@dataclass(frozen=True, slots=True)
class PingResult:
    code: int
    reason: str
    rtt_ms: float


class SipBackend(Protocol):
    """A SIP user agent with accounts, calls and pagers. See the module docstring."""

    async def start(self, settings: BackendSettings, emit: Emit) -> None:
        """Start the stack. Raises NetworkError if no transport can be bound."""

    async def stop(self) -> None:
        """Unregister, hang up and destroy everything. Idempotent."""

    def set_call_screen(self, screen: CallScreen | None) -> None:
        """Ask ``screen`` about every incoming call before it rings (any time, any state).
        A screened call is still reported: IncomingCall, then CallChanged up to ENDED, each
        with ``CallInfo.screened`` set to the Screening's words."""

    async def add_account(
        self,
        config: AccountConfig,
        password: str | None,
        route: Route | None = None,
        turn_password: str | None = None,
        tls_key_password: str | None = None,
    ) -> str:
        """Create an account (registering if it has a registrar); returns its local contact.
        ``tls_key_password`` unlocks the account's TLS client key (``tls_key_file``).

        ``route`` (decided by the engine) names the local address and next hop; None
        leaves both to the SIP stack. Raises LimitExceeded past 8 accounts, InvalidUri
        for a bad URI, NetworkError when the transport cannot be opened.
        """

    async def update_route(self, account_id: str, route: Route) -> None:
        """The account's route changed (new local address, or failover to another hop):
        use it for signalling and media, register again, and re-INVITE its calls."""

    async def remove_account(self, account_id: str) -> None: ...

    async def set_registration(self, account_id: str, register: bool) -> None: ...

    async def make_call(
        self,
        account_id: str,
        uri: str,
        headers: Mapping[str, str] | None = None,
        route: Route | None = None,
        parts: Sequence[BodyPart] = (),
        caller: str | None = None,
    ) -> str:
        """Send an INVITE and return the new call's id at once (states follow as events).

        ``route`` is the way to the callee for an account without a server route (its
        local address goes into the SDP). ``parts`` go into a multipart/mixed body before
        the SDP. ``caller`` names another (direct) account the INVITE leaves from, the call
        still belonging to ``account_id``: a call to the engine's own echo line must not go
        through a registrar on another host. Raises LimitExceeded past 4 calls, InvalidUri,
        NetworkError.
        """

    async def answer(self, call_id: str, code: int = 200) -> None: ...

    async def hangup(self, call_id: str, code: int = 0) -> None:
        """End a call: CANCEL, BYE, or a final response (``code``, default 603/486) if incoming."""

    async def redirect(self, call_id: str, target: str) -> None:
        """Answer an incoming call with 302 Moved Temporarily to ``target``."""

    async def hold(self, call_id: str) -> None: ...

    async def resume(self, call_id: str) -> None: ...

    async def set_mute(self, call_id: str, muted: bool) -> None: ...

    async def send_dtmf(self, call_id: str, digits: str, method: DtmfMethod) -> None: ...

    async def transfer(self, call_id: str, target: str) -> None:
        """Blind transfer (REFER). Progress arrives as TransferStatus events."""

    async def transfer_attended(self, call_id: str, target_call_id: str) -> None:
        """Attended transfer: REFER ``call_id`` to ``target_call_id`` with Replaces."""

    async def conference(self, call_ids: Sequence[str]) -> None:
        """Add these calls to the local conference (mixed here; made with them if there
        is none): each member hears all the others, and its CallInfo says
        ``conference``. Raises UsageError for a call without audio, or when fewer than
        two calls would be in it."""

    async def leave_conference(self, call_ids: Sequence[str]) -> None:
        """Take these calls out of the conference; the calls stay up. A conference left
        with one call is over. Raises UsageError for a call that is not in it."""

    async def send_message(
        self, account_id: str, uri: str, body: str, content_type: str, message_id: str,
        headers: tuple[tuple[str, str], ...] = (),
    ) -> None:
        """Send a MESSAGE (with extra SIP ``headers``). The delivery result arrives as a
        MessageStatus event carrying ``message_id``. Raises LimitExceeded if the body can
        never fit."""

    async def send_typing(self, account_id: str, uri: str, active: bool) -> None:
        """Send an is-composing indication (RFC 3994), state active or idle. No status
        event follows."""

    async def ping(self, account_id: str, uri: str, timeout_s: float) -> PingResult:
        """OPTIONS ``uri``; returns the final response. Raises Timeout, NetworkError."""

    async def call_stats(self, call_id: str) -> CallStats: ...

    async def codecs(self, account_id: str | None = None) -> list[str]:
        """Codec ids ("PCMA/8000/1") in the order a call offers them: the account's
        ``codecs`` first (none given: the default order). Raises NotFound."""

    async def rtp_packets(self) -> list[RtpPacket]:
        """The RTP headers kept (``BackendSettings.rtp_headers``), oldest first; [] when
        none are kept."""

    async def play_file(self, call_id: str, path: str) -> None:
        """Play a WAV file into the call (replacing silence)."""

    async def record_call(self, call_id: str, path: str | None = None,
                          stereo: bool = False, heard_only: bool = False) -> str:
        """Record the call into a WAV file (0600) until ``stop_recording`` or its end:
        the far end and what the call hears from us (microphone or played file), mixed,
        or left (far end) and right (us) with ``stereo``; ``heard_only``: only what the
        call receives. ``path`` None: a file in ``record_dir``. Returns the path; the
        call's info gets ``recording`` set (not for ``heard_only``). A call may have
        several recordings. Raises UsageError (no record_dir, unwritable), NotFound."""

    async def stop_recording(self, call_id: str) -> str:
        """Finish the call's recordings (not ``heard_only`` ones) and return the newest
        one's file. Raises UsageError if the call is not being recorded, NotFound."""

    async def audio_devices(self) -> list[AudioDevice]:
        """The sound devices PortAudio lists (read again when none is open). Raises
        UsageError without the audio extra."""

    async def set_audio_device(self, role: str, device: str | None) -> str:
        """Use ``device`` (name, part of one, or index; None: the default) as the
        ``role`` ("input", "output", "ring") from now on, moving open streams to it.
        Returns the device's name. Raises NotFound listing the devices, UsageError,
        NetworkError (it would not open)."""

    async def loopback(self, call_id: str) -> None:
        """Send the call's received audio straight back to it (the echo test line)."""

    async def subscribe_lamps(
        self, account_id: str, uris: Sequence[str], *, blf: bool, presence: bool
    ) -> None:
        """Watch ``uris`` from ``account_id``: dialog events (``blf``) and/or presence.
        Each URI's lamp arrives as LampChanged (UNKNOWN at once, then real states); a URI
        that cannot be subscribed gets a FAILED lamp. Idempotent. Raises LimitExceeded
        once the wheel's buddy table is full (the URIs before that stay subscribed)."""

    async def unsubscribe_lamps(self, account_id: str, uris: Sequence[str]) -> None:
        """Stop watching ``uris`` (both kinds). Idempotent."""

    async def set_presence(self, account_id: str, state: str, note: str = "") -> None:
        """Publish our own status: "available", "away", "dnd", "busy" (or "on-the-phone"),
        "offline". Raises UsageError for another state."""
