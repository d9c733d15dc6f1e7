"""Codec order. pjsua keeps ONE codec priority list for the whole endpoint, so an
account's ``codecs`` reorders codecs for every account (last writer wins)."""

from __future__ import annotations

from collections.abc import Sequence

import pjsua2 as pj

from tuiphone.model.errors import UsageError

_TOP = 254  # 255 is reserved by pjmedia for "highest, forced"


def codec_ids(ep: pj.Endpoint) -> list[str]:
    """Every codec id of the wheel, e.g. "PCMU/8000/1", "speex/16000/1"."""
    return [str(ci.codecId) for ci in ep.codecEnum2()]


def match(wanted: str, available: Sequence[str]) -> list[str]:
    """Codec ids named by ``wanted`` ("pcmu", "speex/16000", "G722/16000/1"), case-insensitive."""
    low = wanted.strip().lower()
    return [cid for cid in available if cid.lower() == low or cid.lower().startswith(low + "/")]


def apply_order(ep: pj.Endpoint, names: Sequence[str]) -> None:
    """Give ``names`` the top priorities in order; others keep theirs (all below).

    Raises UsageError for a codec this wheel does not have (no Opus, for one).
    """
    available = codec_ids(ep)
    ordered: list[str] = []
    for name in names:
        found = match(name, available)
        if not found:
            raise UsageError(f"unknown codec {name!r}; this build has: {', '.join(available)}")
        ordered += [cid for cid in found if cid not in ordered]
    for rank, cid in enumerate(ordered):
        ep.codecSetPriority(cid, _TOP - rank)
