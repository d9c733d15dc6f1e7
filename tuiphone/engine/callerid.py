"""Caller ID: names for calls from the user's address books, loaded off the loop.

``CallerId.start(open_book)`` runs ``open_book`` (build a ``ContactBook``, resolve
CardDAV passwords, ``load()``) in a worker thread; until it finishes calls simply
have no contact name. Every other method runs on the engine's loop. Contacts are
local data: nothing here sends them anywhere.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

from tuiphone.engine.contact_data import contact_summary
from tuiphone.engine.tasks import cancel_and_wait
from tuiphone.model.call import CallInfo, CallState
from tuiphone.model.contact import ContactSummary
from tuiphone.model.events import CallChanged, Event, IncomingCall

if TYPE_CHECKING:
    from tuiphone.contacts import Contact, ContactBook

BookOpener = Callable[[], "ContactBook"]  # runs in a worker thread; returns a loaded book
Notify = Callable[[str, str], None]  # (level, text)
__all__ = ["BookOpener", "CallerId", "contact_summary"]


class CallerId:
    def __init__(self, notify: Notify) -> None:
        self._notify = notify
        self._book: ContactBook | None = None
        self._task: asyncio.Task[None] | None = None
        self._names: dict[str, str] = {}  # call id -> contact name, fixed at first sight
        # Summaries per card of one index: the TUI asks for the same ones per keystroke.
        self._summaries: dict[int, tuple[Contact, ContactSummary]] = {}
        self._summarised: object = None  # the index they belong to

    def start(self, open_book: BookOpener) -> None:
        """Load the book in a thread; returns at once."""
        self._task = asyncio.ensure_future(self._load(open_book))

    async def _load(self, open_book: BookOpener) -> None:
        try:
            book = await asyncio.to_thread(open_book)
        except Exception as err:  # noqa: BLE001 - a broken book must not stop the phone
            self._notify("warning", f"contacts not loaded: {err}")
            return
        self._book = book
        if book.warnings:
            first = book.warnings[0]
            self._notify("warning", f"contacts: {len(book.warnings)} problem(s); first: {first}")

    async def ready(self) -> None:
        """Wait until loading has finished (or failed)."""
        if self._task is not None:
            await asyncio.shield(self._task)

    async def close(self) -> None:
        await cancel_and_wait(self._task)

    @property
    def book(self) -> ContactBook | None:
        return self._book

    async def keys_ready(self) -> None:
        """Wait (off the loop) until the book's caller-ID keys are made: a cold load
        returns before them and makes them in a thread (``ContactBook.keys_ready``)."""
        book = self._book
        if book is not None and book.index.pending():
            await asyncio.to_thread(book.keys_ready)

    def _ready(self) -> ContactBook | None:
        """The book once its caller-ID table can answer without waiting, else None."""
        book = self._book
        return None if book is None or book.index.pending() else book

    def find(self, uri: str) -> Contact | None:
        """The contact for ``uri``; None also while the book's caller-ID keys are being
        made (a lookup then would wait for them on the loop): the call is named by a
        later event, as during loading."""
        book = self._ready()
        if book is None or not uri:
            return None
        try:
            return book.lookup(uri)
        except Exception:  # noqa: BLE001 - a bad number must not stop a call from ringing
            return None

    def lookup(self, uri: str) -> ContactSummary | None:
        found = self.find(uri)
        return self._summary(found) if found is not None else None

    def search(self, text: str, limit: int) -> list[ContactSummary]:
        if self._book is None:
            return []
        return [self._summary(c) for c in self._book.search(text, limit)]

    def _summary(self, contact: Contact) -> ContactSummary:
        index = self._book.index if self._book is not None else None
        if index is not self._summarised:
            self._summaries.clear()  # a reload or sync swapped the index in
            self._summarised = index
        hit = self._summaries.get(id(contact))
        if hit is None or hit[0] is not contact:
            hit = self._summaries[id(contact)] = (contact, contact_summary(contact))
        return hit[1]

    def enrich(self, event: Event) -> Event:
        """The event with the call's ``remote_name`` taken from a matching contact."""
        match event:
            case IncomingCall(call=call):
                return IncomingCall(self._named(call))
            case CallChanged(call=call):
                return CallChanged(self._named(call))
        return event

    def _named(self, call: CallInfo) -> CallInfo:
        name = self._names.get(call.id)
        if name is None:
            found = self.find(call.remote_uri)
            name = found.display_name if found is not None else ""
            if self._ready() is not None:  # before that, a later event may still name it
                self._names[call.id] = name
        if call.state is CallState.ENDED:
            self._names.pop(call.id, None)
        return replace(call, remote_name=name) if name else call
