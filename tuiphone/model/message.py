"""Chat messages (SIP MESSAGE) and their delivery state."""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass, field

from tuiphone.model.value import SPARSE

# Bytes of UTF-8 one MESSAGE body may hold. The wheel caps a whole SIP message at 4000
# bytes; this leaves room for the headers and a 407 retry with Proxy-Authorization.
MAX_BODY = 3000


class Delivery(enum.Enum):
    """An outgoing message moves QUEUED → SENDING → SENT → DELIVERED → DISPLAYED, or to
    FAILED; SENDING goes back to QUEUED after a transient failure (408, 503, transport)."""

    QUEUED = "queued"  # stored; waits for its account to register or for a retry
    SENDING = "sending"  # handed to the SIP stack, no final response yet
    SENT = "sent"  # 2xx from the next hop
    DELIVERED = "delivered"  # an IMDN delivery notification (RFC 5438)
    DISPLAYED = "displayed"  # an IMDN display notification
    FAILED = "failed"
    RECEIVED = "received"  # an incoming message

    @property
    def pending(self) -> bool:
        """Not sent yet: still in the outbox."""
        return self in (Delivery.QUEUED, Delivery.SENDING)

    def reached(self, goal: Delivery) -> bool:
        """Whether this state is ``goal`` or past it (DISPLAYED implies DELIVERED)."""
        return _RANK.get(self, -1) >= _RANK.get(goal, 99)


_RANK = {Delivery.SENT: 1, Delivery.DELIVERED: 2, Delivery.DISPLAYED: 3}


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
    attempts: int = field(default=0, metadata=SPARSE)  # outgoing: sends tried so far
    # IMDN (RFC 5438), incoming: the sender's imdn.Message-ID (several, space-separated,
    # for a message joined from parts) and the notifications it asked for
    # ("positive-delivery, display"); empty for a message that asked for none.
    imdn_id: str = field(default="", metadata=SPARSE)
    notify: str = field(default="", metadata=SPARSE)
    # Long text (tuiphone.model.longtext): outgoing, how many MESSAGEs carry it (0: one);
    # incoming, the Tuiphone-Part header of one part as it arrived (never stored).
    parts: int = field(default=0, metadata=SPARSE)
    part: str = field(default="", metadata=SPARSE)

    @property
    def data(self) -> bytes:
        """The body's bytes: as they arrived for an incoming message."""
        return self.raw or self.body.encode("utf-8")


@dataclass(frozen=True, slots=True)
class ChatThread:
    """One conversation: every message whose peer has this ``key`` (see ``peer_key``),
    the newest of them, and how many incoming ones are unread."""

    key: str  # "alice@example.com"
    peer: str  # the newest message's peer URI: where a reply goes
    last_message: Message
    unread: int
    # the keys merged into this thread (one contact's several URIs, engine/chat_groups.py);
    # empty: just ``key``
    members: tuple[str, ...] = ()



@dataclass(frozen=True, slots=True)
class ThreadRead:
    """What marking a thread read did: how many of its messages were unread, and the
    incoming ones among them that asked for a display notification (IMDN)."""

    unread: int
    to_notify: tuple[Message, ...] = ()

_NAME_ADDR = re.compile(r'^\s*(?:"(?:[^"\\]|\\.)*"|[^<"]*?)\s*<(?P<uri>[^>]*)>')


def peer_key(uri: str) -> str:
    """The thread a peer's messages belong to: 'alice@host' for 'sip:alice@host',
    '<sip:alice@host:5060;transport=tcp>', '"Alice" <sips:alice@HOST>' and 'alice@host'.

    The display name, scheme, port, parameters and headers go; the host is lower-cased
    (it is case-insensitive; the user part is not)."""
    found = _NAME_ADDR.match(uri)
    bare = found["uri"] if found is not None else uri
    bare = bare.strip().strip("<>").strip()
    for scheme in ("sips:", "sip:", "tel:"):
        if bare.lower().startswith(scheme):
            bare = bare[len(scheme):]
            break
    bare = bare.split("?", 1)[0].split(";", 1)[0]
    user, at, host = bare.rpartition("@")
    if host.startswith("["):  # [2001:db8::1]:5060
        host = host[: host.find("]") + 1] if "]" in host else host
    elif host.count(":") == 1:
        host = host.split(":", 1)[0]
    return f"{user}{at}{host.lower()}" if at else host.lower()
