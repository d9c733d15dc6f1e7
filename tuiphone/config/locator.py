"""Map a key path to its line in the TOML text, since tomllib keeps no positions.

A line scanner, not a parser: it knows table headers, ``[[array]]`` headers,
``key = value`` lines (dotted and quoted keys too) and skips multi-line strings
and arrays. Keys inside inline tables fall back to their parent's line.
"""

from __future__ import annotations

import re

from tuiphone.config.keypath import KeyPath

_PART = re.compile(r"\s*(?:([A-Za-z0-9_-]+)|\"((?:[^\"\\]|\\.)*)\"|'([^']*)')\s*")
_STRINGS = re.compile(r"\"(?:[^\"\\]|\\.)*\"|'[^']*'")


def _parse_key(text: str) -> tuple[list[str], str] | None:
    """Split a dotted key off the start of ``text``; returns (parts, rest after it)."""
    parts: list[str] = []
    pos = 0
    while True:
        match = _PART.match(text, pos)
        if not match:
            return None
        parts.append(next(g for g in match.groups() if g is not None))
        pos = match.end()
        if not text.startswith(".", pos):
            return parts, text[pos:]
        pos += 1


def _open_brackets(value: str) -> int:
    code = _STRINGS.sub("", value).split("#", 1)[0]
    return code.count("[") - code.count("]") + code.count("{") - code.count("}")


def _opens_multiline_string(value: str) -> str | None:
    for delim in ('"""', "'''"):
        if value.lstrip().startswith(delim) and value.count(delim) % 2 == 1:
            return delim
    return None


class Locator:
    """Line numbers (1-based) of the tables and keys in one TOML text."""

    def __init__(self, text: str) -> None:
        self._lines: dict[KeyPath, int] = {}
        self._counts: dict[tuple[str, ...], int] = {}
        self._table: KeyPath = ()
        self._scan(text)

    def line_of(self, path: KeyPath) -> int | None:
        """The line of ``path`` or of its nearest located ancestor; None if none is."""
        for end in range(len(path), 0, -1):
            line = self._lines.get(path[:end])
            if line is not None:
                return line
        return None

    def _scan(self, text: str) -> None:
        string_delim: str | None = None
        depth = 0
        for number, raw in enumerate(text.splitlines(), start=1):
            line = raw.strip()
            if string_delim is not None:
                if line.count(string_delim) % 2 == 1:
                    string_delim = None
                continue
            if depth > 0:
                depth += _open_brackets(line)
                continue
            if not line or line.startswith("#"):
                continue
            if line.startswith("["):
                self._header(line, number)
                continue
            string_delim, depth = self._key_line(line, number)

    def _header(self, line: str, number: int) -> None:
        is_array = line.startswith("[[")
        parsed = _parse_key(line[2:] if is_array else line[1:])
        if parsed is None:
            return
        names = tuple(parsed[0])
        if is_array:
            self._counts[names] = self._counts.get(names, 0) + 1
        self._table = self._resolve(names)
        self._lines.setdefault(self._table, number)
        if is_array:
            self._lines.setdefault(self._table[:-1], number)

    def _resolve(self, names: tuple[str, ...]) -> KeyPath:
        """Insert the current index after every array-of-tables name in ``names``."""
        path: list[str | int] = []
        for end in range(1, len(names) + 1):
            path.append(names[end - 1])
            count = self._counts.get(names[:end])
            if count:
                path.append(count - 1)
        return tuple(path)

    def _key_line(self, line: str, number: int) -> tuple[str | None, int]:
        parsed = _parse_key(line)
        if parsed is None or not parsed[1].startswith("="):
            return None, 0
        parts, rest = parsed
        value = rest[1:]
        self._lines.setdefault(self._table + tuple(parts), number)
        return _opens_multiline_string(value), max(_open_brackets(value), 0)
