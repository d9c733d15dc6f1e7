"""Messages that carry the engine's news into the widget tree."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message

from tuiphone.engine.api import PhoneApi
from tuiphone.model.events import Event


@dataclass
class EngineReady(Message):
    """The phone is built and started (or attached); ``attached`` means remote."""

    phone: PhoneApi
    attached: bool = False


@dataclass
class EngineFailed(Message):
    error: str


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
