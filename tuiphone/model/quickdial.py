"""A QuickDial entry: a key to dial, optionally watched (BLF, presence) or picked up."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class QuickDialEntry:
    label: str
    uri: str
    blf: bool = False
    presence: bool = False
    pickup: str | None = None  # dial string for directed pickup, e.g. "**"
    dtmf: str | None = None  # digits sent after answer
    group: str | None = None
