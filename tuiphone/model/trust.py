"""Trust: which sources may reach an account, what was refused, and what the network
vouched for about a caller. Standard library only."""

from __future__ import annotations

import enum
from dataclasses import dataclass

REGISTRAR = "registrar"  # an ``accept_from`` entry: the server the account registers through
ANY = "any"  # an ``accept_from`` entry: every source (direct IP calling)


@dataclass(frozen=True, slots=True)
class TrustConfig:
    """``[accounts.trust]``. ``accept_from`` None is the default: ``("registrar",)`` for an
    account that registers, ``("any",)`` for one that does not. Otherwise it holds
    "registrar", "any", or IP addresses and CIDR networks (checked by the config reader).
    ``silent`` leaves refused requests unanswered instead of 403 Forbidden."""

    accept_from: tuple[str, ...] | None = None
    silent: bool = False

    def sources(self, registers: bool) -> tuple[str, ...]:
        """The effective ``accept_from``."""
        if self.accept_from is not None:
            return self.accept_from
        return (REGISTRAR,) if registers else (ANY,)


class RefusalReason(enum.Enum):
    SOURCE = "source"  # not from the account's registrar/proxy nor a listed address
    USER = "user"  # the Request-URI names a user that is not this account's
    NO_ACCOUNT = "no-account"  # no account to take it
    RATE = "rate-limited"  # dropped unread: the source was refused too often (a flood)
    OVERLOAD = "overload"  # an INVITE answered 503: no sockets left for its media

    @property
    def words(self) -> str:
        return _REASON_WORDS[self]


_REASON_WORDS = {
    RefusalReason.SOURCE: "untrusted source",
    RefusalReason.USER: "unknown user",
    RefusalReason.NO_ACCOUNT: "no account",
    RefusalReason.RATE: "rate-limited (flood)",
    RefusalReason.OVERLOAD: "no sockets for its media (503)",
}


@dataclass(frozen=True, slots=True)
class Refusals:
    """Requests refused from one source address for one reason, so far (cumulative).
    ``method`` and ``account_id`` are those of the latest one ("" when it was not read)."""

    source: str
    reason: RefusalReason
    count: int
    method: str = ""
    account_id: str = ""
    first: float = 0.0
    last: float = 0.0


class Vouch(enum.Enum):
    """What a caller's identity rests on. The STIR/SHAKEN verdicts and ``verified`` come
    only from a trusted source (the account's registrar or a listed address)."""

    PASSED = "passed"  # verstat=TN-Validation-Passed
    FAILED = "failed"  # verstat=TN-Validation-Failed
    NO_VALIDATION = "no-validation"  # verstat=No-TN-Validation
    VERIFIED = "verified"  # P-Asserted-Identity or Remote-Party-ID from a trusted source
    UNVERIFIED = "unverified"  # nobody vouched: the caller's own From

    @property
    def mark(self) -> str:
        """A glyph and a word, readable without colour."""
        return _MARKS[self]


_MARKS = {
    Vouch.PASSED: "✔ TN-Validation-Passed",
    Vouch.FAILED: "✘ TN-Validation-Failed",
    Vouch.NO_VALIDATION: "• No-TN-Validation",
    Vouch.VERIFIED: "✔ verified",
    Vouch.UNVERIFIED: "? unverified",
}
VERSTAT = {
    "tn-validation-passed": Vouch.PASSED,
    "tn-validation-failed": Vouch.FAILED,
    "no-tn-validation": Vouch.NO_VALIDATION,
}


@dataclass(frozen=True, slots=True)
class CallerIdentity:
    """How an incoming call's caller is known.

    ``asserted_by`` names the header the shown identity came from ("P-Asserted-Identity",
    "Remote-Party-ID") or is "" for From; ``verstat`` is the raw parameter a trusted
    source sent; ``identity_header`` says an RFC 8224 Identity header was present (its
    signature is not checked here); ``claimed`` is the From URI when another identity is
    shown; ``source`` is the "address:port" the INVITE came from."""

    vouch: Vouch
    asserted_by: str = ""
    verstat: str = ""
    identity_header: bool = False
    claimed: str = ""
    source: str = ""
