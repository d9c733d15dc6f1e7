"""A strict parser of monitoring-plugin output, after the monitoring-plugins developer
guidelines (https://www.monitoring-plugins.org/doc/guidelines.html, "Plugin Output for
Nagios" and "Performance data"), checking what Nagios, Icinga and Checkmk rely on.

- The first line is ``TEXT`` or ``TEXT | PERFDATA``; later lines are long text, and
  any of them may carry more perfdata after a ``|``.
- Perfdata is space-separated ``'label'=value[UOM];[warn];[crit];[min];[max]``: a label
  with spaces is single-quoted (a quote inside doubled), ``=`` is not allowed in it;
  value is a number (or ``U``), UOM one of s ms us % B KB MB TB c or none; warn and
  crit are ranges ``[@][start:][end]`` (``~`` for minus infinity); min and max numbers.
- The exit status is 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN, and our status line
  names the same state: ``TUIPHONE <STATE> - ...``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

STATES = {0: "OK", 1: "WARNING", 2: "CRITICAL", 3: "UNKNOWN"}
UOMS = {"", "s", "ms", "us", "%", "B", "KB", "MB", "TB", "c"}
_NUMBER = r"-?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?"
_RANGE = re.compile(rf"@?(?:(?:{_NUMBER}|~)?:)?(?:{_NUMBER})?")
_ITEM = re.compile(rf"""(?P<label>'(?:[^']|'')+'|[^'=\s][^=\s]*)=
                        (?P<value>{_NUMBER}|U)(?P<uom>[a-zA-Z%]*)
                        (?:;(?P<warn>[^;\s]*))?(?:;(?P<crit>[^;\s]*))?
                        (?:;(?P<min>[^;\s]*))?(?:;(?P<max>[^;\s]*))?$""", re.X)
_STATUS = re.compile(r"TUIPHONE (OK|WARNING|CRITICAL|UNKNOWN) - \S")


@dataclass
class Perf:
    label: str
    value: float | None
    uom: str
    warn: str
    crit: str
    minimum: float | None
    maximum: float | None


@dataclass
class PluginOutput:
    state: str
    text: str
    perf: dict[str, Perf] = field(default_factory=dict)
    long_text: list[str] = field(default_factory=list)


class BadPluginOutput(AssertionError):
    pass


def parse(stdout: str, exit_status: int) -> PluginOutput:
    """Raises BadPluginOutput for anything a monitoring core would misread."""
    if exit_status not in STATES:
        raise BadPluginOutput(f"exit status {exit_status} is not 0-3")
    lines = stdout.rstrip("\n").split("\n")
    if not lines[0].strip():
        raise BadPluginOutput("no status line")
    text, _, perf_text = lines[0].partition("|")
    text = text.strip()
    match = _STATUS.match(text)
    if match is None:
        raise BadPluginOutput(f"status line {text!r} is not 'TUIPHONE STATE - text'")
    if match.group(1) != STATES[exit_status]:
        raise BadPluginOutput(f"status line says {match.group(1)}, exit status "
                              f"{exit_status} means {STATES[exit_status]}")
    out = PluginOutput(match.group(1), text)
    _perfdata(perf_text, out)
    for line in lines[1:]:
        body, bar, more = line.partition("|")
        out.long_text.append(body.rstrip())
        if bar:
            _perfdata(more, out)
    return out


def _perfdata(text: str, out: PluginOutput) -> None:
    for token in _tokens(text.strip()):
        item = _ITEM.match(token)
        if item is None:
            raise BadPluginOutput(f"perfdata item {token!r} is malformed")
        label = item["label"].strip("'").replace("''", "'")
        if item["uom"] not in UOMS:
            raise BadPluginOutput(f"{label}: unit {item['uom']!r} is not a plugin UOM")
        for name in ("warn", "crit"):
            if item[name] and not _RANGE.fullmatch(item[name]):
                raise BadPluginOutput(f"{label}: {name} {item[name]!r} is not a range")
        if label in out.perf:
            raise BadPluginOutput(f"perfdata label {label!r} twice")
        out.perf[label] = Perf(label, None if item["value"] == "U" else float(item["value"]),
                               item["uom"], item["warn"] or "", item["crit"] or "",
                               _number(item["min"], label), _number(item["max"], label))


def _tokens(text: str) -> list[str]:
    """Space-separated items; a quoted label may hold spaces."""
    return re.findall(r"(?:'(?:[^']|'')+'|[^'\s])\S*", text) if text else []


def _number(text: str | None, label: str) -> float | None:
    if not text:
        return None
    if not re.fullmatch(_NUMBER, text):
        raise BadPluginOutput(f"{label}: min/max {text!r} is not a number")
    return float(text)
