"""Typed, forgiving access to one TOML table.

Each getter reports a wrong value to ``Problems`` and returns the default, so a
single pass finds every problem. Every key a getter asks about becomes a valid
key; ``finish`` reports the rest as unknown, with a did-you-mean.
"""

from __future__ import annotations

import difflib
import enum
from collections.abc import Mapping
from typing import Any, TypeVar

from tuiphone.config.keypath import KeyPath
from tuiphone.config.problems import Problems

E = TypeVar("E", bound=enum.Enum)
_TYPE_NAMES = {str: "a string", bool: "a boolean", int: "an integer", float: "a number",
               list: "an array", dict: "a table"}


def type_name(value: object) -> str:
    return _TYPE_NAMES.get(type(value), type(value).__name__)


def _shown(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


class Reader:
    """One table at ``path``; getters mark keys as known and validate types."""

    def __init__(self, data: Mapping[str, Any], path: KeyPath, problems: Problems) -> None:
        self.data = data
        self.path = path
        self.problems = problems
        self._known: list[str] = []

    def at(self, key: str | int) -> KeyPath:
        return (*self.path, key)

    def error(self, key: str, message: str) -> None:
        self.problems.error(self.at(key), message)

    def get(self, key: str) -> Any:
        """The raw value or None; marks ``key`` as known."""
        if key not in self._known:
            self._known.append(key)
        return self.data.get(key)

    def typed(self, key: str, kind: type[Any], default: Any) -> Any:
        value = self.get(key)
        if value is None:
            return default
        if type(value) is not kind:  # bool is an int subclass: compare exactly
            self.error(key, f"expected {_TYPE_NAMES[kind]}, got {type_name(value)} "
                            f"{_shown(value)}")
            return default
        return value

    def text(self, key: str, default: str) -> str:
        return str(self.typed(key, str, default))

    def opt_text(self, key: str) -> str | None:
        value = self.typed(key, str, None)
        return None if value is None else str(value)

    def required_text(self, key: str) -> str | None:
        if self.get(key) is None:
            self.error(key, "required key is missing")
        value = self.opt_text(key)
        if value is not None and not value.strip():
            self.error(key, "must not be empty")
            return None
        return value

    def flag(self, key: str, default: bool) -> bool:
        return bool(self.typed(key, bool, default))

    def integer(self, key: str, default: int, low: int, high: int) -> int:
        value = int(self.typed(key, int, default))
        if not low <= value <= high:
            self.error(key, f"{value} is out of range {low}..{high}")
            return default
        return value

    def one_of(self, key: str, choices: tuple[str, ...], default: str) -> str:
        value = self.text(key, default)
        if value not in choices:
            self.error(key, f"{value!r} is not one of {', '.join(choices)}")
            return default
        return value

    def choice(self, key: str, kind: type[E], default: E) -> E:
        values = tuple(str(member.value) for member in kind)
        return kind(self.one_of(key, values, str(default.value)))

    def strings(self, key: str) -> tuple[str, ...]:
        """A string or an array of strings, as a tuple."""
        value = self.get(key)
        if value is None:
            return ()
        if isinstance(value, str):
            return (value,)
        if isinstance(value, list) and all(isinstance(item, str) for item in value):
            return tuple(value)
        self.error(key, f"expected a string or an array of strings, got {_shown(value)}")
        return ()

    def table(self, key: str) -> Reader:
        """A sub-table (empty if absent or of the wrong type)."""
        value = self.typed(key, dict, {})
        return Reader(value, self.at(key), self.problems)

    def tables(self, key: str) -> list[Reader]:
        """An array of tables (``[[key]]``)."""
        if isinstance(self.data.get(key), dict):
            self.get(key)
            self.error(key, f"expected [[{key}]] tables (an array), got a single table: "
                            f"write [[{key}]], not [{key}]")
            return []
        value = self.typed(key, list, [])
        readers = []
        for index, item in enumerate(value):
            if not isinstance(item, dict):
                self.problems.error(self.at(key) + (index,), "expected a table")
                continue
            readers.append(Reader(item, (*self.at(key), index), self.problems))
        return readers

    def finish(self) -> None:
        """Report every key no getter asked for."""
        for key in self.data:
            if key not in self._known:
                self.error(key, self._unknown_message(key))

    def _unknown_message(self, key: str) -> str:
        valid = sorted(self._known)
        close = difflib.get_close_matches(key, valid, n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        return f"unknown key {key!r}{hint}; valid keys: {', '.join(valid)}"
