"""Value types for the fields of a contact. All frozen, all plain text."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Name:
    """The structured N property."""

    family: str = ""
    given: str = ""
    additional: str = ""
    prefix: str = ""
    suffix: str = ""

    def display(self) -> str:
        parts = (self.prefix, self.given, self.additional, self.family, self.suffix)
        return " ".join(p for p in parts if p)


@dataclass(frozen=True, slots=True)
class Phone:
    """A TEL. ``number`` is as written (``tel:`` stripped); ``types`` lower case
    (``cell``, ``work``, ``voice``...); ``label`` from an Apple X-ABLabel."""

    number: str
    types: frozenset[str] = frozenset()
    label: str = ""
    pref: bool = False

    @property
    def kind(self) -> str:
        """One word for display: the label, else the most telling type."""
        if self.label:
            return self.label
        for t in ("cell", "mobile", "work", "home", "fax", "pager", "main", "iphone"):
            if t in self.types:
                return t
        return ""


@dataclass(frozen=True, slots=True)
class Email:
    address: str
    types: frozenset[str] = frozenset()
    label: str = ""
    pref: bool = False


@dataclass(frozen=True, slots=True)
class Address:
    """A structured ADR, components as in RFC 6350."""

    pobox: str = ""
    extended: str = ""
    street: str = ""
    locality: str = ""
    region: str = ""
    code: str = ""
    country: str = ""
    types: frozenset[str] = frozenset()
    label: str = ""
    country_code: str = ""  # ISO 3166 alpha-2 (upper case) from X-ABADR or the country

    @classmethod
    def of_parts(cls, parts: Sequence[str], types: frozenset[str] = frozenset()) -> Address:
        """From ADR's seven components in order (missing ones empty)."""
        p = (list(parts) + [""] * 7)[:7]
        return cls(p[0], p[1], p[2], p[3], p[4], p[5], p[6], types)

    @property
    def parts(self) -> tuple[str, str, str, str, str, str, str]:
        return (self.pobox, self.extended, self.street, self.locality, self.region,
                self.code, self.country)

    def lines(self) -> list[str]:
        """Human-readable lines, empty parts dropped."""
        city = " ".join(p for p in (self.code, self.locality) if p)
        parts = (self.pobox, self.extended, self.street, city, self.region, self.country)
        return [p for p in parts if p]


@dataclass(frozen=True, slots=True)
class Birthday:
    """BDAY. ``year`` is None for ``--MMDD``; month/day are 0 when ``text`` is not a date."""

    text: str
    year: int | None = None
    month: int = 0
    day: int = 0


@dataclass(frozen=True, slots=True)
class Gender:
    """GENDER: ``sex`` is one of M F O N U or ''; ``identity`` free text."""

    sex: str = ""
    identity: str = ""
