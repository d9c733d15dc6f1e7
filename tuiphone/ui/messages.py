"""Messages that carry the engine's news into the widget tree."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message

from tuiphone.model.events import Event
from tuiphone.model.lamp import Lamp


@dataclass
class PhoneEvent(Message):
    """One engine event, posted in engine order by the event pump."""

    event: Event


@dataclass
class DialRequested(Message):
    """Any pane asks to place a call to ``target`` (a dial string)."""

    target: str


@dataclass
class ChatRequested(Message):
    """Any pane asks to open the chat thread with ``peer``."""

    peer: str


@dataclass
class LampUpdate(Message):
    """An engine lamp changed; a newer update of the same lamp replaces a pending one."""

    lamp: Lamp

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, LampUpdate) and message.lamp.uri == self.lamp.uri


class TraceTick(Message):
    """SIP went in or out (a SipTrace): the ladder may fetch the trace. Pending ticks
    collapse into one, so a flood of SIP is one message, not one per packet."""

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, TraceTick)


@dataclass
class AddToQuickDial(Message):
    """The contacts pane asks for a new QuickDial key."""

    label: str
    uri: str
