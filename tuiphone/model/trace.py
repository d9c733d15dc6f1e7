"""SIP trace entries: one per message sent or received."""

from __future__ import annotations

from dataclasses import dataclass

from tuiphone.model.message import peer_key

_ADDRESSES = ("from", "f", "to", "t")


def mentions_peer(text: str, key: str) -> bool:
    """Whether the SIP message ``text`` has ``key`` (a ``peer_key``) as its From, To or
    Request-URI."""
    lines = text.replace("\r\n", "\n").split("\n")
    first = lines[0].split(" ")
    if len(first) == 3 and not first[0].startswith("SIP/") and peer_key(first[1]) == key:
        return True
    for line in lines[1:]:
        if not line.strip():
            return False  # the headers end here
        name, colon, value = line.partition(":")
        if colon and name.strip().lower() in _ADDRESSES and peer_key(value.strip()) == key:
            return True
    return False


@dataclass(frozen=True, slots=True)
class TraceEntry:
    timestamp: float
    direction: str  # "tx" | "rx"
    transport: str  # "UDP" | "TCP" | "TLS"
    peer: str  # "ip:port"
    text: str  # the raw SIP message

    @property
    def first_line(self) -> str:
        return self.text.split("\r\n", 1)[0].split("\n", 1)[0]

    def names_peer(self, key: str) -> bool:
        """Whether the message's From, To or Request-URI is the peer ``key`` (a
        ``message.peer_key``): how ``data erase --peer`` finds a peer's SIP messages."""
        return mentions_peer(self.text, key)

    @property
    def call_id(self) -> str:
        for line in self.text.splitlines():
            name, _, value = line.partition(":")
            if name.strip().lower() in ("call-id", "i"):
                return value.strip()
        return ""
