"""The exceptions of file sharing, converted from httpx, OSError and cryptography here."""

from __future__ import annotations

from tuiphone.model.errors import LimitExceeded, NetworkError, TuiphoneError, UsageError


class TransferError(NetworkError):
    """An upload or download failed. ``transient``: worth trying again later (server
    down or 5xx), as opposed to a refusal (413, 404) that will not change."""

    def __init__(self, message: str, transient: bool = False, status: int = 0) -> None:
        super().__init__(message)
        self.transient = transient
        self.status = status


class BadFile(TuiphoneError):
    """A received file failed its check (tag, CRC) or its description is unusable;
    nothing was saved."""


class TooLarge(LimitExceeded):
    """Over the account's ``max_size``."""


class TypeRefused(UsageError):
    """A content type the account's ``allowed_types`` does not list."""
