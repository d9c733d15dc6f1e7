"""Codec order. pjsua keeps ONE codec priority list for the whole endpoint, so each
call sets it just before its offer (makeCall) or answer (200): the account's ``codecs``
first, then G.722, PCMA, PCMU, then the rest in the wheel's own order. A re-INVITE of an
earlier call, while another account's call was placed since, offers that call's order."""

from __future__ import annotations

from collections.abc import Sequence

import pjsua2 as pj

from tuiphone.model.errors import UsageError

_TOP = 254  # 255 is reserved by pjmedia for "highest, forced"
DEFAULT_ORDER = ("G722", "PCMA", "PCMU")  # wideband first, then the G.711 every PBX has


def codec_ids(ep: pj.Endpoint) -> list[str]:
    """Every codec id of the wheel, e.g. "PCMU/8000/1", "speex/16000/1"."""
    return [str(ci.codecId) for ci in ep.codecEnum2()]


def match(wanted: str, available: Sequence[str]) -> list[str]:
    """Codec ids named by ``wanted`` ("pcmu", "speex/16000", "G722/16000/1"), case-insensitive."""
    low = wanted.strip().lower()
    return [cid for cid in available if cid.lower() == low or cid.lower().startswith(low + "/")]




def check_names(ep: pj.Endpoint, names: Sequence[str]) -> None:
    """Raise UsageError for a codec this wheel does not have."""
    _ordered(names, codec_ids(ep))


def _ordered(names: Sequence[str], available: Sequence[str]) -> list[str]:
    ordered: list[str] = []
    for name in names:
        found = match(name, available)
        if not found:
            raise UsageError(f"unknown codec {name!r}; this build has: {', '.join(available)}")
        ordered += [cid for cid in found if cid not in ordered]
    return ordered


def call_order(names: Sequence[str], base: Sequence[str], available: Sequence[str]
               ) -> list[str]:
    """``names`` first, then DEFAULT_ORDER, then ``base``: codec ids of ``available``."""
    order = _ordered(names, available)
    order += [c for c in _ordered([d for d in DEFAULT_ORDER if match(d, available)], available)
              if c not in order]
    order += [c for c in base if c not in order and c in available]
    return order


def order_for_call(ep: pj.Endpoint, names: Sequence[str], base: Sequence[str]) -> list[str]:
    """Set every codec's priority for the next offer or answer: ``names`` (an account's
    ``codecs``), then DEFAULT_ORDER, then ``base`` (the wheel's own order, taken once at
    start). Returns the order set. Raises UsageError for an unknown codec."""
    order = call_order(names, base, codec_ids(ep))
    for rank, cid in enumerate(order):
        ep.codecSetPriority(cid, max(_TOP - rank, 1))
    return order
