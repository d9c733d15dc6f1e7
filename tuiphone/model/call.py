"""Calls: state, direction, media and statistics."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from tuiphone.model.trust import CallerIdentity, Vouch
from tuiphone.model.value import SPARSE


class CallState(enum.Enum):
    CALLING = "calling"  # INVITE sent, no provisional answer yet
    INCOMING = "incoming"  # INVITE received, not answered
    RINGING = "ringing"  # 18x received (outgoing) or sent (incoming)
    CONNECTING = "connecting"  # 200 sent/received, waiting for ACK
    CONNECTED = "connected"
    ENDED = "ended"

    @property
    def label(self) -> str:
        """The word a user sees."""
        return self.value.capitalize()


class Direction(enum.Enum):
    OUTGOING = "outgoing"
    INCOMING = "incoming"


class MediaState(enum.Enum):
    NONE = "none"
    ACTIVE = "active"
    LOCAL_HOLD = "local_hold"
    REMOTE_HOLD = "remote_hold"
    ERROR = "error"


@dataclass(frozen=True, slots=True)
class CallStats:
    """RTP statistics of a call's first audio stream."""

    codec: str = ""
    clock_rate: int = 0
    rx_packets: int = 0
    rx_lost: int = 0
    rx_jitter_ms: float = 0.0
    tx_packets: int = 0
    rtt_ms: float = 0.0
    jitter_buffer_ms: float = 0.0
    srtp: str = ""  # crypto suite when SRTP is active, else ""
    mos: float | None = None
    local_rtp: str = ""  # "address:port" our SDP offers ("" unknown)
    remote_rtp: str = ""  # "address:port" the peer's SDP names, where we send
    rtp_source: str = ""  # "address:port" the peer's RTP really comes from ("" none yet)


@dataclass(frozen=True, slots=True)
class CallSecurity:
    """What protects a call: ``signalling`` is "tls" (certificate verified), "tls-unverified",
    "tcp" or "udp"; ``media`` is the SRTP crypto suite, "" for plain RTP."""

    signalling: str
    media: str = ""

    @property
    def locked(self) -> bool:
        """Both signalling (verified TLS) and media (SRTP) are encrypted."""
        return self.signalling == "tls" and bool(self.media)

    @property
    def gaps(self) -> tuple[str, ...]:
        """The parts that are not encrypted: "signalling", "media" (or neither)."""
        parts = [] if self.signalling == "tls" else ["signalling"]
        return (*parts, *([] if self.media else ["media"]))


@dataclass(frozen=True, slots=True)
class LocationRefusal:
    """A 424 (Bad Location Information, RFC 6442): its ``Geolocation-Error`` value, its
    ``Geolocation`` value (the location the server offers, if any) and a PIDF-LO body."""

    error: str
    geolocation: str = ""
    pidf: str = ""


@dataclass(frozen=True, slots=True)
class CallInfo:
    """A snapshot of one call. ``id`` is stable for the call's life and unique per engine."""

    id: str
    account_id: str
    direction: Direction
    remote_uri: str
    state: CallState
    remote_name: str = ""
    sip_call_id: str = ""
    media: MediaState = MediaState.NONE
    muted: bool = False
    code: int = 0
    reason: str = ""
    started: float = 0.0  # wall-clock epoch seconds
    answered: float | None = None
    ended: float | None = None
    headers: tuple[tuple[str, str], ...] = field(default_factory=tuple)
    # incoming calls: what the network vouched for about the caller
    identity: CallerIdentity | None = field(default=None, metadata=SPARSE)
    security: CallSecurity | None = field(default=None, metadata=SPARSE)
    # incoming calls a rule answered without ringing (DND, blocklist, forwarding): why
    screened: str = field(default="", metadata=SPARSE)
    location_refusal: LocationRefusal | None = field(default=None, metadata=SPARSE)
    conference: bool = field(default=False, metadata=SPARSE)  # in the local conference
    recording: str = field(default="", metadata=SPARSE)  # the WAV file being recorded to

    @property
    def on_hold(self) -> bool:
        return self.media in (MediaState.LOCAL_HOLD, MediaState.REMOTE_HOLD)


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    """One finished call as persisted in the store."""

    call_id: str
    account_id: str
    direction: Direction
    remote_uri: str
    started: float
    answered: float | None
    ended: float
    code: int
    reason: str
    remote_name: str = ""
    mos: float | None = None
    identity: Vouch | None = field(default=None, metadata=SPARSE)  # incoming calls
    # the call's last RTP figures (None: no audio was ever expected)
    loss_pct: float | None = None  # received packets lost, over the whole call
    jitter_ms: float | None = None  # mean interarrival jitter of what we received
    rtt_ms: float | None = None  # mean round trip from RTCP (0: the peer sent no RTCP)

    @property
    def duration_s(self) -> float:
        return 0.0 if self.answered is None else max(0.0, self.ended - self.answered)
