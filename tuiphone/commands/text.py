"""Plain-text rendering of a command result, for front ends without rich (the TUI ':' line)."""

from __future__ import annotations

from typing import Any

from tuiphone.model.codec import to_jsonable


def _value(value: Any) -> str:
    if isinstance(value, dict):
        return " ".join(f"{k}={_value(v)}" for k, v in value.items())
    if isinstance(value, list):
        return ", ".join(_value(v) for v in value) or "-"
    return "-" if value is None else str(value)


def as_text(result: object) -> str:
    """``key: value`` lines for a record, one line per item for a list."""
    data = to_jsonable(result)
    if isinstance(data, dict):
        return "\n".join(f"{k}: {_value(v)}" for k, v in data.items())
    if isinstance(data, list):
        return "\n".join(_value(v) for v in data) or "(none)"
    return _value(data)
