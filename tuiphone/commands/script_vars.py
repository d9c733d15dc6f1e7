"""Variables in ``tuiphone run`` scripts: ``set NAME = $(COMMAND ...).field.path`` keeps
one value of a command's JSON result; ``$NAME`` or ``${NAME}`` in a later line's words
is replaced by it (``$$`` is a plain ``$``).

Substitution happens word by word after the line is split, so a value with spaces or
quotes stays one argument and can never add options or commands.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass

from tuiphone.model.errors import UsageError

_SET = re.compile(r"^\s*set\s+(?P<name>[A-Za-z_]\w*)\s*=\s*\$\((?P<command>.*)\)"
                  r"(?P<path>(?:\.[\w-]+)*)\s*(?:#.*)?$")
_REF = re.compile(r"\$\$|\$\{([A-Za-z_]\w*)\}|\$([A-Za-z_]\w*)")


@dataclass(frozen=True, slots=True)
class SetLine:
    name: str
    command: str  # the command line inside $( ), not yet substituted
    path: tuple[str, ...]  # the fields to follow in its JSON result


def parse_set(line: str) -> SetLine | None:
    """The ``set`` line's parts; None for any other line. Raises UsageError for a line
    that starts with ``set`` but is not of the form."""
    match = _SET.match(line)
    if match is None:
        if line.split(None, 1)[:1] == ["set"]:
            raise UsageError("set: write 'set NAME = $(COMMAND ...).field'")
        return None
    path = tuple(p for p in match["path"].split(".") if p)
    return SetLine(match["name"], match["command"].strip(), path)


def substitute(words: list[str], values: Mapping[str, str]) -> list[str]:
    """Each word with its variables replaced. Raises UsageError naming an unset one."""

    def one(match: re.Match[str]) -> str:
        if match.group(0) == "$$":
            return "$"
        name = match.group(1) or match.group(2)
        if name not in values:
            raise UsageError(f"${name} is not set (set {name} = $(COMMAND).field first; "
                             "$$ is a plain $)")
        return values[name]

    return [_REF.sub(one, word) for word in words]


def pick(result: object, path: tuple[str, ...], where: str) -> str:
    """The value at ``path`` in a JSON-able result, as text (JSON for a list or table).
    Raises UsageError when the path is not there."""
    value = result
    for i, key in enumerate(path):
        if isinstance(value, dict) and key in value:
            value = value[key]
        elif isinstance(value, list) and key.isdigit() and int(key) < len(value):
            value = value[int(key)]
        else:
            at = ".".join(path[:i]) or "the result"
            raise UsageError(f"{where}: no field {key!r} in {at}")
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)
