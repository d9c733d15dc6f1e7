"""SIP trace entries: one per message sent or received."""

from __future__ import annotations

from dataclasses import dataclass


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

    @property
    def call_id(self) -> str:
        for line in self.text.splitlines():
            name, _, value = line.partition(":")
            if name.strip().lower() in ("call-id", "i"):
                return value.strip()
        return ""
