"""What the SIP trace says about one registration: challenges and time to final answer."""

from __future__ import annotations

from dataclasses import dataclass

from tuiphone.model.trace import TraceEntry


def _cseq_method(entry: TraceEntry) -> str:
    for line in entry.text.splitlines():
        name, _, value = line.partition(":")
        if name.strip().lower() == "cseq":
            return value.split()[-1].upper() if value.split() else ""
    return ""


def _status(entry: TraceEntry) -> int:
    parts = entry.first_line.split()
    if len(parts) >= 2 and parts[0].startswith("SIP/") and parts[1].isdigit():
        return int(parts[1])
    return 0


def is_challenge(entry: TraceEntry) -> bool:
    """A 401/407 answer to a REGISTER that we received."""
    return entry.direction == "rx" and _status(entry) in (401, 407) and (
        _cseq_method(entry) == "REGISTER")


@dataclass(frozen=True, slots=True)
class RegisterExchange:
    challenges: int
    time_ms: float | None  # first REGISTER sent -> final answer; None if not in the trace


def exchange(trace: list[TraceEntry], since: float) -> RegisterExchange:
    """The REGISTER transaction(s) at or after wall-clock ``since``."""
    entries = [e for e in trace if e.timestamp >= since and _cseq_method(e) == "REGISTER"]
    sent = next((e for e in entries if e.direction == "tx" and not _status(e)), None)
    final = next((e for e in reversed(entries) if e.direction == "rx"
                  and _status(e) >= 200 and not is_challenge(e)), None)
    span = None
    if sent is not None and final is not None and final.timestamp >= sent.timestamp:
        span = round((final.timestamp - sent.timestamp) * 1000, 1)
    return RegisterExchange(sum(1 for e in entries if is_challenge(e)), span)
