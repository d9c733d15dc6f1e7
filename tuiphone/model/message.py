"""Chat messages (SIP MESSAGE) and their delivery state."""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Delivery(enum.Enum):
    PENDING = "pending"
    SENT = "sent"  # 2xx from the next hop
    FAILED = "failed"
    RECEIVED = "received"  # an incoming message


@dataclass(frozen=True, slots=True)
class Message:
    id: str
    account_id: str
    direction: str  # "in" | "out"
    peer: str  # the other side's URI
    body: str
    content_type: str
    timestamp: float
    delivery: Delivery
    code: int = 0
    reason: str = ""
    truncated: bool = False  # incoming body shorter than its Content-Length
