"""Printing results: one JSON document (or JSON lines), or rich tables for people.

rich is imported only here, and only for human output; colour only on a TTY. Output
that is not a terminal and that rich would print verbatim (a record of short plain
ASCII values, plain lines) is written directly, byte for byte what rich prints,
without importing rich (see ``_plain``).
"""

from __future__ import annotations

import json
import os
import re
import sys
import time
from typing import Any

from tuiphone.model.codec import to_jsonable
from tuiphone.model.errors import ConfigError
from tuiphone.model.trace import TraceEntry


class Verbatim(str):
    """A result printed exactly as it is (an exported vCard file), never as a table."""

    __slots__ = ()


class Plain(Verbatim):
    """Printed as it is even with ``--json``: a monitoring plugin's output."""

    __slots__ = ()


def print_result(result: object, as_json: bool) -> None:
    if isinstance(result, Plain) or (isinstance(result, Verbatim) and not as_json):
        _write_utf8(result)
        return
    data = to_jsonable(result)
    if as_json:
        print(json.dumps(data, indent=2, ensure_ascii=False))
    else:
        _human(data)


def print_item(item: object, as_json: bool) -> None:
    """One item of a stream: a JSON line, or readable text."""
    if not as_json and isinstance(item, Verbatim):
        _write_utf8(item)
        return
    if not as_json and isinstance(item, TraceEntry):
        stamp = time.strftime("%H:%M:%S", time.localtime(item.timestamp))
        arrow = "<--" if item.direction == "rx" else "-->"
        print(f"{stamp}.{int(item.timestamp % 1 * 1000):03d} {arrow} {item.transport} "
              f"{item.peer}\n{item.text.rstrip()}\n", flush=True)
        return
    print(json.dumps(to_jsonable(item), ensure_ascii=False), flush=True)


def print_error(err: BaseException) -> None:
    """Errors go to stderr, one line each; config errors list every problem."""
    lines = err.problems if isinstance(err, ConfigError) else [str(err) or type(err).__name__]
    for line in lines:
        print(f"tuiphone: {line}", file=sys.stderr)


def _flat(data: dict[str, Any], prefix: str = "") -> list[tuple[str, str]]:
    rows: list[tuple[str, str]] = []
    for key, value in data.items():
        if isinstance(value, dict):
            rows.extend(_flat(value, f"{prefix}{key}."))
        else:
            rows.append((f"{prefix}{key}", _cell(value, key)))
    return rows


_TIMES = frozenset({"started", "answered", "ended", "timestamp"})


def _cell(value: object, key: str = "") -> str:
    if key in _TIMES and isinstance(value, int | float):
        return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(value))
    if value is None:
        return "-"
    if isinstance(value, list):
        return ", ".join(_cell(v) for v in value) if value else "-"
    if isinstance(value, dict):
        return " ".join(f"{k}={_cell(v)}" for k, v in value.items())
    return str(value)


def _is_rows(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(r, dict) for r in value)


def _rows_table(rows: list[dict[str, Any]], title: str | None = None) -> Any:
    from rich.table import Table
    from rich.text import Text

    columns = [c for c in dict.fromkeys(k for row in rows for k in row)
               if any(_cell(row.get(c)) not in ("", "-") for row in rows)]
    table = Table(*columns, title=title, title_justify="left")
    for row in rows:
        table.add_row(*(Text(_cell(row.get(c), c)) for c in columns))
    return table


def _record_table(data: dict[str, Any]) -> Any:
    """Keys and values are Text: what a peer sent ("[/b]", ":smile:") prints as sent."""
    from rich.table import Table
    from rich.text import Text

    table = Table(show_header=False, box=None)
    table.add_column(style="bold")
    table.add_column()
    for key, value in _flat({k: v for k, v in data.items() if not _is_rows(v)}):
        table.add_row(Text(key), Text(value))
    return table


def _human(data: Any) -> None:
    """A table per list of records; a record's own lists of records become sub-tables."""
    if not _is_terminal():
        text = _plain(data, _width())
        if text is not None:
            sys.stdout.write(text)
            sys.stdout.flush()
            return
    _rich(data)


def _is_terminal() -> bool:
    """What rich's Console decides (TTY_COMPATIBLE, FORCE_COLOR, then isatty)."""
    tty_compatible = os.environ.get("TTY_COMPATIBLE", "")
    if tty_compatible in ("0", "1"):
        return tty_compatible == "1"
    force_color = os.environ.get("FORCE_COLOR")
    if force_color is not None:
        return force_color != ""
    try:
        return sys.stdout.isatty()
    except (AttributeError, ValueError):
        return False


def _width() -> int:
    """rich's console width: the first standard stream that is a terminal, $COLUMNS, 80."""
    width = 0
    for fd in (0, 1, 2):
        try:
            width = os.get_terminal_size(fd).columns
        except (AttributeError, ValueError, OSError):
            continue
        break
    columns = os.environ.get("COLUMNS")
    if columns is not None and columns.isdigit():
        width = int(columns)
    return width or 80


_PRINTABLE = re.compile(r"[ -~]*")
# rich markup, or what could be an :emoji: code (the characters of rich's emoji names)
_MARKUP = re.compile(r"\[|:[\w!#&()*+.\-]*:")


def _verbatim(text: str) -> bool:
    """True if rich prints ``text`` as it is (no markup, emoji codes or wide chars)."""
    return _PRINTABLE.fullmatch(text) is not None and _MARKUP.search(text) is None


def _plain(data: Any, width: int) -> str | None:
    """Exactly what ``_rich`` prints without colour, or None when rich is needed
    (tables with borders, wrapping, anything but plain ASCII)."""
    if isinstance(data, dict):
        if any(_is_rows(v) for v in data.values()):
            return None
        rows = _flat(data)
        if not rows or not all(_verbatim(k) and _verbatim(v) for k, v in rows):
            return None
        key_w = max(len(k) for k, _ in rows)
        value_w = max(len(v) for _, v in rows)
        if key_w + value_w + 4 > width:
            return None
        return "".join(f" {k.ljust(key_w)}  {v.ljust(value_w)} \n" for k, v in rows)
    if _is_rows(data):
        return None
    if isinstance(data, list):
        text = "(none)" if not data else "\n".join(_cell(v) for v in data)
    else:
        text = _cell(data)
    lines = text.split("\n")
    if not all(_verbatim(line) and line == line.strip() and len(line) <= width
               for line in lines):
        return None
    return text + "\n"


def _rich(data: Any, console: Any = None) -> None:
    from rich.console import Console
    from rich.text import Text

    console = console or Console(highlight=False)
    if _is_rows(data):
        console.print(_rows_table(data))
    elif isinstance(data, list):
        console.print(Text("(none)" if not data else "\n".join(_cell(v) for v in data)))
    elif isinstance(data, dict):
        console.print(_record_table(data))
        for key, value in data.items():
            if _is_rows(value):
                console.print(_rows_table(value, title=key))
    else:
        console.print(Text(_cell(data)))


def _write_utf8(text: str) -> None:
    """UTF-8 whatever the locale says (an exported file must not depend on it)."""
    sys.stdout.flush()
    buffer = getattr(sys.stdout, "buffer", None)
    if buffer is None:
        sys.stdout.write(text)
    else:
        buffer.write(text.encode("utf-8"))
        buffer.flush()
    sys.stdout.flush()
