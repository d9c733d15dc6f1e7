"""Read and write ``[[quickdial]]`` entries (config.toml and the app's state.toml)."""

from __future__ import annotations

from typing import Any

from tuiphone.config.reader import Reader
from tuiphone.config.schema import QuickDialEntry

_SCHEMES = ("sip", "sips", "tel")


def _target(reader: Reader) -> str | None:
    uri = reader.required_text("uri")
    if uri is None or ":" not in uri:
        return uri  # a bare extension or number is dialled on the account's domain
    if uri.split(":", 1)[0].lower() not in _SCHEMES:
        reader.error("uri", f"{uri!r}: use a sip:, sips: or tel: URI, or a bare number")
        return None
    return uri


def parse_entry(reader: Reader) -> QuickDialEntry | None:
    label = reader.required_text("label")
    uri = _target(reader)
    entry = QuickDialEntry(
        label=label or "",
        uri=uri or "",
        blf=reader.flag("blf", False),
        presence=reader.flag("presence", False),
        pickup=reader.opt_text("pickup"),
        dtmf=reader.opt_text("dtmf"),
        group=reader.opt_text("group"),
    )
    reader.finish()
    return entry if label and uri else None


def parse_quickdial(root: Reader) -> tuple[QuickDialEntry, ...]:
    """Every valid ``[[quickdial]]`` entry of ``root``, in file order."""
    entries = (parse_entry(table) for table in root.tables("quickdial"))
    return tuple(entry for entry in entries if entry is not None)


def entry_to_toml(entry: QuickDialEntry) -> dict[str, Any]:
    """A table for tomli_w: defaults and None values left out."""
    table: dict[str, Any] = {"label": entry.label, "uri": entry.uri}
    for key in ("blf", "presence"):
        if getattr(entry, key):
            table[key] = True
    for key in ("pickup", "dtmf", "group"):
        if getattr(entry, key) is not None:
            table[key] = getattr(entry, key)
    return table
