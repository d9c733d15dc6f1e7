"""Typed events emitted by the engine (and by backends, which the engine forwards).

Every event is a frozen dataclass with a ``kind`` used in JSON streams.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from tuiphone.model.account import AccountState
from tuiphone.model.call import CallInfo, CallStats
from tuiphone.model.lamp import Lamp
from tuiphone.model.message import Message
from tuiphone.model.network import AccountRoute
from tuiphone.model.trace import TraceEntry
from tuiphone.model.trust import Refusals


@dataclass(frozen=True, slots=True)
class RegistrationChanged:
    kind: ClassVar[str] = "registration"
    account: AccountState


@dataclass(frozen=True, slots=True)
class CallChanged:
    """Any change of a call: state, media, mute, code. ``call`` is the new snapshot."""

    kind: ClassVar[str] = "call"
    call: CallInfo


@dataclass(frozen=True, slots=True)
class IncomingCall:
    kind: ClassVar[str] = "incoming_call"
    call: CallInfo


@dataclass(frozen=True, slots=True)
class DtmfReceived:
    kind: ClassVar[str] = "dtmf"
    call_id: str
    digit: str


@dataclass(frozen=True, slots=True)
class MessageReceived:
    kind: ClassVar[str] = "message"
    message: Message


@dataclass(frozen=True, slots=True)
class MessageStatus:
    kind: ClassVar[str] = "message_status"
    message: Message


@dataclass(frozen=True, slots=True)
class MwiChanged:
    kind: ClassVar[str] = "mwi"
    account_id: str
    waiting: bool
    new: int = 0
    old: int = 0


@dataclass(frozen=True, slots=True)
class TransferStatus:
    kind: ClassVar[str] = "transfer"
    call_id: str
    code: int
    reason: str
    final: bool


@dataclass(frozen=True, slots=True)
class SipTrace:
    kind: ClassVar[str] = "trace"
    entry: TraceEntry


@dataclass(frozen=True, slots=True)
class Notice:
    """Something the user should read once (a limit hit, a truncated message)."""

    kind: ClassVar[str] = "notice"
    level: str  # "info" | "warning" | "error"
    text: str


@dataclass(frozen=True, slots=True)
class LampChanged:
    """A BLF/presence lamp changed. From the engine, ``lamp.uri`` is the QuickDial
    entry's ``uri`` as configured (or "echo"); from a backend, the subscribed URI."""

    kind: ClassVar[str] = "lamp"
    lamp: Lamp


@dataclass(frozen=True, slots=True)
class SmartContactChanged:
    """Smart Contacts learnt (or changed its mind) whether a contact is a user on the
    default account's SIP provider. ``contact_id`` is the contact's ``key`` (the ``id``
    of ``lookup_contact``/``search_contacts``)."""

    kind: ClassVar[str] = "smart_contact"
    contact_id: str
    on_net: bool


@dataclass(frozen=True, slots=True)
class ContactsChanged:
    """The address books changed (an edit, a sync, files changed on disk): searches,
    caller ID and avatars should be refreshed. ``count`` contacts are loaded now."""

    kind: ClassVar[str] = "contacts"
    count: int


@dataclass(frozen=True, slots=True)
class NetworkChanged:
    """An account's way to its server was chosen ("start") or changed: a new local
    address ("address changed"), the next DNS SRV target ("failover"), or nothing
    routes to the server any more ("no route")."""

    kind: ClassVar[str] = "network"
    route: AccountRoute


@dataclass(frozen=True, slots=True)
class MediaProblem:
    """A connected call sent RTP but received none for ``seconds``: one-way audio.
    ``cause`` names the likely reason in a few words; ``hint`` says what to try."""

    kind: ClassVar[str] = "media_problem"
    call_id: str
    seconds: float
    tx_packets: int
    rx_packets: int
    cause: str
    hint: str


@dataclass(frozen=True, slots=True)
class RequestRefused:
    """Requests from ``refusals.source`` were refused (403, or no answer): the running
    total for that source and reason. Sent at most about once a second per source."""

    kind: ClassVar[str] = "request_refused"
    refusals: Refusals


@dataclass(frozen=True, slots=True)
class RequestFilter:
    """How the SIP stack checks where requests come from: "pjsip-module" (before pjsua
    answers anything) or "callbacks" (pjsua's callbacks; MESSAGE and NOTIFY are then
    answered 200 but dropped). Sent once when the stack starts."""

    kind: ClassVar[str] = "request_filter"
    mode: str


@dataclass(frozen=True, slots=True)
class CallStatsChanged:
    """Fresh RTP figures of a connected call, about once a second while it is up."""

    kind: ClassVar[str] = "call_stats"
    call_id: str
    stats: CallStats


@dataclass(frozen=True, slots=True)
class DndChanged:
    """Do-not-disturb was turned on or off: ``account_ids`` are the accounts in DND now."""

    kind: ClassVar[str] = "dnd_changed"
    account_ids: tuple[str, ...]


Event = (
    RegistrationChanged
    | CallChanged
    | IncomingCall
    | DtmfReceived
    | MessageReceived
    | MessageStatus
    | MwiChanged
    | TransferStatus
    | SipTrace
    | Notice
    | LampChanged
    | SmartContactChanged
    | ContactsChanged
    | NetworkChanged
    | MediaProblem
    | RequestRefused
    | RequestFilter
    | DndChanged
    | CallStatsChanged
)
