"""Chat messages (SIP MESSAGE) and their delivery state."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from tuiphone.model.value import SPARSE


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
    # The body's bytes as they arrived, kept when ``body`` cannot give them back: not
    # valid UTF-8, or another charset. ``body`` is then their readable decoding (with
    # U+FFFD for what does not decode). Empty when ``body.encode()`` is the bytes.
    raw: bytes = field(default=b"", metadata=SPARSE)

    @property
    def data(self) -> bytes:
        """The body's bytes: as they arrived for an incoming message."""
        return self.raw or self.body.encode("utf-8")
