"""What the load parent and its workers say to each other: one JSON object a line.

Parent to worker: ``{"op": "start", "passwords": {...}}`` once (secrets travel over
the pipe, never in argv or the environment), then ``{"op": "call", "order": {...}}``
per call, and ``{"op": "stop"}`` (end of input means the same): hang up, report,
exit. Worker to parent: ``ready`` once, ``state`` as a call rings or connects,
``done`` with each call's record, ``fatal`` if the engine cannot start.
"""

from __future__ import annotations

import enum
import json
from dataclasses import dataclass
from typing import Any

from tuiphone.model.codec import from_jsonable, to_jsonable


@dataclass(frozen=True, slots=True)
class CallOrder:
    """One call for a worker to place. ``n`` numbers the calls of a run from 1."""

    n: int
    uri: str
    account: str | None
    duration_s: float
    timeout_s: float
    play: str | None = None


class Outcome(enum.Enum):
    ANSWERED = "answered"
    FAILED = "failed"  # a final non-2xx response
    TIMEOUT = "timeout"  # no final response within the order's timeout
    CANCELLED = "cancelled"  # the run stopped (Ctrl-C) before the call was answered
    ERROR = "error"  # not placed, or its worker failed


@dataclass(frozen=True, slots=True)
class CallRecord:
    """What happened to one call. Times: ``started`` is wall-clock epoch seconds;
    ``pdd_ms`` runs from the INVITE to the first 18x (to the final response when no
    18x came), ``setup_ms`` to the 200; ``duration_s`` is the connected time."""

    n: int
    worker: int
    account: str
    outcome: Outcome
    started: float
    code: int = 0
    reason: str = ""
    sip_call_id: str = ""
    pdd_ms: float | None = None
    setup_ms: float | None = None
    duration_s: float = 0.0
    codec: str = ""
    rx_packets: int = 0
    rx_lost: int = 0
    rx_jitter_ms: float = 0.0
    tx_packets: int = 0
    rtt_ms: float = 0.0
    mos: float | None = None

    @property
    def loss_pct(self) -> float | None:
        """Received-packet loss in percent; None when no packet was expected."""
        expected = self.rx_packets + self.rx_lost
        return round(100.0 * self.rx_lost / expected, 2) if expected else None

    @property
    def cause(self) -> str:
        """Why a call that was not answered failed: "486 Busy Here", "timeout", ..."""
        if self.outcome is Outcome.FAILED:
            return f"{self.code} {self.reason}".strip()
        if self.outcome is Outcome.ERROR:
            return f"error: {self.reason}" if self.reason else "error"
        return str(self.outcome.value)


@dataclass(frozen=True, slots=True)
class AccountUse:
    """How a worker uses an account: "direct", or "outbound-only" (it has a registrar,
    which a load run never registers with)."""

    id: str
    mode: str


@dataclass(frozen=True, slots=True)
class Ready:
    worker: int
    pid: int
    accounts: tuple[AccountUse, ...]


@dataclass(frozen=True, slots=True)
class CallState:
    """A call of order ``n`` is now "ringing" or "connected" (for live progress)."""

    n: int
    state: str


@dataclass(frozen=True, slots=True)
class Done:
    record: CallRecord


@dataclass(frozen=True, slots=True)
class Fatal:
    """The worker could not start its engine; ``exit_code`` as the README lists them."""

    message: str
    exit_code: int


Report = Ready | CallState | Done | Fatal
_KINDS: dict[str, type[Any]] = {"ready": Ready, "state": CallState, "done": Done,
                                "fatal": Fatal}
_NAMES = {cls: name for name, cls in _KINDS.items()}


def encode(report: Report) -> str:
    """One line (with its newline) for a worker's report."""
    return json.dumps({"kind": _NAMES[type(report)], **to_jsonable(report)}) + "\n"


def decode(line: str | bytes) -> Report:
    """The report on one line. Raises ValueError for anything else."""
    data = json.loads(line)
    cls = _KINDS.get(data.pop("kind", None)) if isinstance(data, dict) else None
    if cls is None:
        raise ValueError(f"not a worker report: {line!r}")
    report: Report = from_jsonable(cls, data)
    return report


def order_line(order: CallOrder) -> str:
    return json.dumps({"op": "call", "order": to_jsonable(order)}) + "\n"


def start_line(passwords: dict[str, str]) -> str:
    return json.dumps({"op": "start", "passwords": passwords}) + "\n"


STOP_LINE = json.dumps({"op": "stop"}) + "\n"


def read_order(data: dict[str, Any]) -> CallOrder:
    """The order of a ``call`` request. Raises ValueError, TypeError."""
    order: CallOrder = from_jsonable(CallOrder, data["order"])
    return order
