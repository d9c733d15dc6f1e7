"""Every key the config reader knows, given values of the wrong type: loading ends in
a config or a ConfigError whose lines read ``file:line: key.path: message`` with the
line that holds the key (never a traceback), and each key refuses at least one of them.

The keys are found by reading a config while recording what the reader asks for, so a
key added to the schema is fuzzed without touching this file.
"""

from __future__ import annotations

import contextlib
import functools
import json
import re
from pathlib import Path
from typing import Any

import pytest
import tomli_w
from hypothesis import given
from hypothesis import strategies as st

from tests.support.fuzz import fuzz
from tuiphone.config import parse_config
from tuiphone.config.keypath import KeyPath, format_path
from tuiphone.config.reader import Reader
from tuiphone.model.errors import ConfigError

SOURCE = Path("/cfg/config.toml")
BASE: dict[str, Any] = {"accounts": [{"id": "a", "uri": "sip:a@127.0.0.1"}]}
WRONG: tuple[Any, ...] = ({"bad": 1}, 123456789, "\u2603 not this", [1, "x", True], True)
LINE = re.compile(rf"^{re.escape(str(SOURCE))}:(\d+): ")


def _container(doc: dict[str, Any], path: KeyPath) -> dict[str, Any]:
    """The table at ``path`` in ``doc``, made (one empty table per array) if absent."""
    node: Any = doc
    for key in path:
        if isinstance(key, int):
            while len(node) <= key:
                node.append({})
            node = node[key]
        else:
            node = node.setdefault(key, [] if isinstance(_next(path, key), int) else {})
    assert isinstance(node, dict)
    return node


def _next(path: KeyPath, key: object) -> object:
    index = path.index(key)
    return path[index + 1] if index + 1 < len(path) else None


@functools.cache
def known_keys() -> tuple[KeyPath, ...]:
    """Every (table path + key) the reader asks for, arrays of tables given one entry."""
    seen: set[KeyPath] = set()
    arrays: set[KeyPath] = set()
    get, tables = Reader.get, Reader.tables

    def recording_get(self: Reader, key: str) -> Any:
        seen.add((*self.path, key))
        return get(self, key)

    def recording_tables(self: Reader, key: str) -> list[Reader]:
        arrays.add((*self.path, key))
        return tables(self, key)

    doc: dict[str, Any] = {"accounts": [dict(BASE["accounts"][0])]}
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(Reader, "get", recording_get)
        mp.setattr(Reader, "tables", recording_tables)
        for _ in range(4):  # each round may open arrays found in the last
            with contextlib.suppress(ConfigError):
                parse_config(tomli_w.dumps(doc), source=SOURCE, file_mode=0o600)
            for array in arrays:
                parent = _container(doc, array[:-1])
                parent.setdefault(array[-1], [{}])
    return tuple(sorted(seen, key=lambda p: tuple(map(str, p))))


_BARE = re.compile(r"^[A-Za-z0-9_-]+$")


def _key(key: str) -> str:
    return key if _BARE.match(key) else json.dumps(key)


def to_toml(doc: dict[str, Any], prefix: tuple[str, ...] = ()) -> str:
    """``doc`` as a person writes it: ``[table]`` and ``[[array]]`` headers, one key a
    line (tomli_w would put short arrays of tables inline)."""
    plain, nested = [], []
    for key, value in doc.items():
        if isinstance(value, dict):
            nested.append(f"\n[{'.'.join(map(_key, (*prefix, key)))}]\n")
            nested.append(to_toml(value, (*prefix, key)))
        elif isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            for item in value:
                nested.append(f"\n[[{'.'.join(map(_key, (*prefix, key)))}]]\n")
                nested.append(to_toml(item, (*prefix, key)))
        else:
            plain.append(tomli_w.dumps({key: value}))
    return "".join(plain + nested)


def with_value(path: KeyPath, value: Any) -> str:
    doc: dict[str, Any] = {"accounts": [dict(BASE["accounts"][0])]}
    _container(doc, path[:-1])[path[-1]] = value
    return to_toml(doc)


def outcome(text: str) -> list[str]:
    """The problems ``text`` gives ([] when it loads)."""
    try:
        parse_config(text, source=SOURCE, file_mode=0o600)
    except ConfigError as err:
        assert err.problems, "a ConfigError must list its problems"  # noqa: PT017
        return err.problems
    return []


def test_the_reader_knows_many_keys() -> None:
    keys = known_keys()
    assert len(keys) > 150, len(keys)
    assert ("accounts", 0, "features", "blf") in keys
    assert ("ui", "theme") in keys


@pytest.mark.parametrize("path", known_keys(), ids=format_path)
def test_a_wrong_type_is_one_error_at_the_key(path: KeyPath) -> None:
    refused = 0
    for value in WRONG:
        text = with_value(path, value)
        problems = outcome(text)
        assert all(LINE.match(p) for p in problems), problems
        here = [p for p in problems if f": {format_path(path)}" in p]
        if not here:
            continue
        refused += 1
        match = LINE.match(here[0])
        assert match is not None
        line = text.splitlines()[int(match[1]) - 1]
        named = here[0][match.end():].split(": ")[0]  # this key, or one inside its table
        # the line names the key, or (an array's item, a missing key) its table
        parts = [part for part in re.split(r"[.\[\]]", named) if part and not part.isdigit()]
        assert parts[-1] in line or "missing" in here[0] and parts[-2] in line, (here[0], line)
    assert refused, f"{format_path(path)} took every one of {WRONG!r}"


SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False),
                    st.text(max_size=10), st.lists(st.integers(), max_size=2),
                    st.dictionaries(st.text(max_size=4), st.integers(), max_size=2))


@fuzz(150)
@given(st.lists(st.tuples(st.sampled_from(known_keys()), SCALARS), min_size=1, max_size=6))
def test_many_wrong_values_at_once(changes: list[tuple[KeyPath, Any]]) -> None:
    doc: dict[str, Any] = {"accounts": [dict(BASE["accounts"][0])]}
    for path, value in changes:
        if value is None:
            continue  # TOML has no null
        try:
            parent = _container(doc, path[:-1])
        except (AssertionError, AttributeError, KeyError, TypeError):
            continue  # an earlier change put a scalar where this key's table was
        parent[path[-1]] = value
    try:
        text = to_toml(doc)
    except (TypeError, ValueError):
        return  # not expressible in TOML
    assert all(LINE.match(p) for p in outcome(text))
