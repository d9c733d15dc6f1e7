"""A PhoneApi with fixed data: snapshots need no clock, no randomness, no engine."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass

from tuiphone.engine.api import MwiState, PhoneState
from tuiphone.model.account import AccountState, RegState
from tuiphone.model.call import CallInfo, CallState, CallStats, Direction, HistoryEntry, MediaState
from tuiphone.model.contact import ContactDetails, ContactPhoto, ContactSummary, PhoneNumber
from tuiphone.model.events import Event
from tuiphone.model.message import ChatThread, Delivery, Message, peer_key
from tuiphone.model.trace import TraceEntry

T0 = 1_700_000_000.0  # 2023-11-14 22:13:20 UTC
DAY = 86_400.0

CONTACTS = (
    ContactDetails(id="c-alice", name="Alice Example", org="Example Corp",
                   numbers=("+1 555 0100",), sips=("sip:alice@pbx.example",),
                   emails=("alice@example.com",), book="vdir", fn="Alice Example",
                   title="Engineer", phones=(PhoneNumber("+1 555 0100", "work"),),
                   email_kinds=("work",)),
    ContactDetails(id="c-bob", name="Bob", sips=("sip:bob@127.0.0.1",), book="vdir", fn="Bob"),
    ContactDetails(id="c-carol", name="Carol Longname-Withaveryverylongsurname",
                   numbers=("+1 555 0199",), book="vdir",
                   fn="Carol Longname-Withaveryverylongsurname",
                   phones=(PhoneNumber("+1 555 0199", "cell"),)),
)


def _sip(first: str, call_id: str, cseq: str) -> str:
    return (f"{first}\r\nVia: SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bK-1\r\n"
            f"From: <sip:me@127.0.0.1>;tag=a1\r\nTo: <sip:echo@127.0.0.1>\r\n"
            f"Call-ID: {call_id}\r\nCSeq: {cseq}\r\nContent-Length: 0\r\n\r\n")


TRACE = tuple(
    TraceEntry(T0 + dt, direction, "UDP", "127.0.0.1:5062", _sip(first, cid, cseq))
    for dt, direction, first, cid, cseq in (
        (0.000, "tx", "INVITE sip:echo@127.0.0.1 SIP/2.0", "call-1", "1 INVITE"),
        (0.004, "rx", "SIP/2.0 100 Trying", "call-1", "1 INVITE"),
        (0.010, "rx", "SIP/2.0 180 Ringing", "call-1", "1 INVITE"),
        (0.021, "rx", "SIP/2.0 200 OK", "call-1", "1 INVITE"),
        (0.022, "tx", "ACK sip:echo@127.0.0.1 SIP/2.0", "call-1", "1 ACK"),
        (3.500, "tx", "MESSAGE sip:echo@127.0.0.1 SIP/2.0", "msg-1", "1 MESSAGE"),
        (3.503, "rx", "SIP/2.0 200 OK", "msg-1", "1 MESSAGE"),
    )
)


@dataclass
class StubPhone:
    """Answers every PhoneApi query from constants; ``events()`` never yields."""

    with_call: bool = True
    remote = False  # not a field: PhoneApi's "in this process"

    def state(self) -> PhoneState:
        call = CallInfo("c1", "local", Direction.OUTGOING, "sip:echo@127.0.0.1:5060",
                        CallState.CONNECTED, media=MediaState.ACTIVE, started=T0 - 75,
                        answered=T0 - 72)
        return PhoneState(
            accounts=(AccountState("local", "sip:me@127.0.0.1", RegState.NONE),
                      AccountState("work", "sip:me@pbx.example", RegState.REGISTERED, 200, "OK")),
            calls=(call,) if self.with_call else (),
            mwi=(MwiState("work", True, 2, 5),),
            audio_mode="null",
            default_account="local",
            echo_uri="sip:echo@127.0.0.1:5060",
        )

    async def note_usage(self, fact: str) -> None:
        pass

    async def events(self) -> AsyncIterator[Event]:
        await asyncio.Event().wait()
        yield  # type: ignore[misc]  # pragma: no cover

    async def history(self, limit: int = 50, identity: object = None) -> list[HistoryEntry]:
        return [
            HistoryEntry("h2", "local", Direction.INCOMING, "sip:bob@127.0.0.1", T0 - 600,
                         T0 - 590, T0 - 400, 200, "Normal call clearing", "Bob", 4.3),
            HistoryEntry("h1", "work", Direction.OUTGOING, "sip:busy@pbx.example", T0 - 900,
                         None, T0 - 899, 486, "Busy Here"),
        ][:limit]

    async def chat_threads(self) -> list[ChatThread]:
        threads: dict[str, ChatThread] = {}
        for m in await self.messages():
            threads[peer_key(m.peer)] = ChatThread(peer_key(m.peer), m.peer, m, 0)
        return sorted(threads.values(), key=lambda t: -t.last_message.timestamp)

    async def mark_read(self, peer: str) -> int:
        return 0

    async def messages(self, peer: str | None = None, limit: int = 100, pending: bool = False,
                       before: str | None = None, after: str | None = None,
                       around: str | None = None) -> list[Message]:
        return [m for m in self._messages()
                if peer is None or peer_key(m.peer) == peer_key(peer)][-limit:]

    async def search_contacts(self, text: str, limit: int = 20) -> list[ContactSummary]:
        words = text.lower().split()
        return [c for c in CONTACTS if all(w in c.name.lower() for w in words)][:limit]

    async def contact(self, contact_id: str) -> ContactDetails:
        return next(c for c in CONTACTS if c.id == contact_id)

    async def contact_photo(self, contact_id: str) -> ContactPhoto | None:
        return None

    def _messages(self) -> list[Message]:
        return [
            Message("m0", "local", "out", "sip:echo@127.0.0.1:5060", "good morning",
                    "text/plain", T0 - DAY - 3600, Delivery.DISPLAYED, 200, "OK"),
            Message("m1", "local", "out", "sip:echo@127.0.0.1:5060", "hello", "text/plain",
                    T0 - 30, Delivery.SENT, 200, "OK"),
            Message("m2", "local", "in", "sip:echo@127.0.0.1", "echo: hello", "text/plain",
                    T0 - 29, Delivery.RECEIVED),
            Message("m3", "local", "out", "sip:nobody@127.0.0.1", "are you there?", "text/plain",
                    T0 - 20, Delivery.FAILED, 404, "Not Found"),
        ]

    async def typing(self, uri: str, account_id: str | None = None) -> bool:
        return False

    async def call_stats(self, call_id: str) -> CallStats:
        return CallStats("PCMU", 8000, 3600, 2, 0.5, 3600, 1.0, 20.0, mos=4.4)

    async def trace(self, limit: int = 1000) -> list[TraceEntry]:
        return list(TRACE)
