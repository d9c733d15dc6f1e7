"""The contacts exception tree and the non-fatal parse warning.

Every error raised out of ``tuiphone.contacts`` is a ``ContactsError``. The DAV
errors also derive from the matching ``tuiphone.model.errors`` type so the engine
can treat a CardDAV timeout like any other timeout.
"""

from __future__ import annotations

from dataclasses import dataclass

from tuiphone.model.errors import NetworkError, NotFound, Timeout, TuiphoneError


@dataclass(frozen=True, slots=True)
class ParseWarning:
    """A card (or line) that was skipped or repaired; ``line`` is 1-based."""

    source: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.source}:{self.line}: {self.message}"


class ContactsError(TuiphoneError):
    """Base of every contacts error."""


class VdirError(ContactsError):
    """A vdir folder or file could not be read or written."""


class NotFoundError(ContactsError, NotFound):
    """A contact or source id that does not exist."""


class EditError(ContactsError):
    """An edit that cannot be applied (unknown property index, bad value)."""


class DavError(ContactsError):
    """A CardDAV exchange failed. The local cache is left as it was."""


class DavHttpError(DavError):
    """The server answered with an unexpected status."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


class DavAuthError(DavHttpError):
    """401/403: wrong user name or password, or no right to the resource."""


class ConflictError(ContactsError):
    """The card changed (on the server: 412; or on disk) since we read it.
    Nothing was overwritten; sync or reload, then edit again."""


class InvalidSyncToken(DavHttpError):
    """The server refused our sync token; a full listing is needed."""


class DavProtocolError(DavError):
    """The server's reply is not the XML or data we expect."""


class DavTimeout(DavError, Timeout):
    """The server did not answer in time."""


class DavConnectionError(DavError, NetworkError):
    """Connection refused, DNS failure or a TLS verification error."""
