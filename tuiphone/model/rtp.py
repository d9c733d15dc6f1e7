"""RTP headers a call sent or received (``[engine] rtp_headers``): never the payload."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class RtpPacket:
    timestamp: float
    call_id: str  # tuiphone's call id
    direction: str  # "tx" | "rx"
    src: str  # "ip:port" ("" when unknown)
    dst: str
    header: bytes  # the RTP header as it went on the wire (12 bytes + CSRCs/extension)
    size: int  # the whole packet's size: header plus the payload that is not kept
