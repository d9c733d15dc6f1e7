"""Data features a provider may not switch on behind the user's back.

A provisioned change that turns one of these ``features.*`` keys ON waits as
"pending" until the user runs ``provision accept``; turning one OFF, and every other
change, applies at once. The words say what the feature does and what leaves the
machine: the TUI dialog and ``provision status`` show them.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import Any

from tuiphone.model.account import Features

WORDS: dict[str, str] = {
    "location": "location: your position is sent with emergency calls",
    "location_in_register": "location in REGISTER: your position is sent to the provider "
                            "with every registration",
    "file_sharing": "file sharing: files you send are uploaded to the provider's server",
    "smart_contacts": "Smart Contacts: your contacts' numbers are checked with the provider",
    "blf": "BLF lamps: the provider is asked about your colleagues' calls, and learns whom "
           "you watch",
    "presence": "presence: your availability is published to the provider and your "
                "watchers",
    "read_receipts": "read receipts: senders learn when you have read their messages",
    "typing": "typing notices: the other side sees when you are typing",
    "usage_counters": "usage counters: counts of what you use are kept",
    "sip_trace_log": "SIP trace log: every SIP message is written to a file on disk",
    "recording": "recording: calls are recorded",
}


def gated() -> tuple[str, ...]:
    """The data features this build has (a key it lacks is refused by the config)."""
    names = {f.name for f in dataclasses.fields(Features)}
    return tuple(k for k in WORDS if k in names)


def split_pending(new: Mapping[str, Any], accepted: Mapping[str, Any],
                  rejected: Sequence[str] = ()) -> tuple[dict[str, Any], dict[str, bool]]:
    """``new`` account table without the data features it would turn on (unless
    ``accepted`` already has them on), and those features as ``{"features.X": True}``;
    features the user ``rejected`` stay off and are not asked about again."""
    table = dict(new)
    features = dict(table.get("features", {}))
    before = accepted.get("features", {}) if isinstance(accepted.get("features"), dict) \
        else {}
    pending: dict[str, bool] = {}
    for name in gated():
        if features.get(name) is True and before.get(name) is not True:
            if f"features.{name}" not in rejected:
                pending[f"features.{name}"] = True
            features[name] = False
    if "features" in table:
        table["features"] = features
    return table, pending


def describe(key: str) -> str:
    return WORDS.get(key.removeprefix("features."), key)
