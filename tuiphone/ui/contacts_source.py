"""The little the UI needs from an address book, as a protocol.

``tuiphone.contacts`` provides the real index; tests pass a list-backed stub.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol


class ContactLike(Protocol):
    @property
    def display_name(self) -> str: ...

    @property
    def sips(self) -> tuple[str, ...]: ...

    @property
    def phones(self) -> Sequence[object]: ...  # items with a ``number`` attribute


class ContactSource(Protocol):
    def search(self, text: str) -> list[ContactLike]:
        """Contacts whose name, number or address contains ``text`` (case-insensitive)."""

    def lookup(self, uri: str) -> ContactLike | None:
        """The contact owning ``uri`` (a SIP URI or number), for caller ID."""


def addresses(contact: ContactLike) -> list[str]:
    """Dialable targets of a contact: SIP URIs first, then numbers."""
    numbers = [str(getattr(p, "number", p)) for p in contact.phones]
    return [*contact.sips, *numbers]


def caller_name(source: ContactSource | None, uri: str, fallback: str) -> str:
    """The contact's name for ``uri``, else ``fallback``. Never raises."""
    if source is None:
        return fallback
    try:
        found = source.lookup(uri)
    except Exception:  # a broken address book must not stop a call from ringing
        return fallback
    return found.display_name if found is not None else fallback
