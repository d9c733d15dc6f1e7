"""A plugin's verdict and how it prints: ``TUIPHONE STATE - text | perfdata`` and long text.

The format is the monitoring-plugins one (developer guidelines, "Plugin Output" and
"Performance data"): one line of status, then optional lines of long text; perfdata
after ``|`` as ``'label'=value[UOM];[warn];[crit];[min];[max]``, space-separated.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from tuiphone.commands.plugin.ranges import Range


class State(enum.IntEnum):
    """The plugin's exit status."""

    OK = 0
    WARNING = 1
    CRITICAL = 2
    UNKNOWN = 3


@dataclass(frozen=True, slots=True)
class Metric:
    label: str
    value: float
    uom: str = ""  # "ms", "%", "" (a count or a score)
    low_is_bad: bool = False
    minimum: float | None = None
    maximum: float | None = None

    def perfdata(self, warn: Range | None, crit: Range | None) -> str:
        fields = [f"{_label(self.label)}={_num(self.value)}{self.uom}",
                  warn.text if warn else "", crit.text if crit else "",
                  _num(self.minimum), _num(self.maximum)]
        return ";".join(fields).rstrip(";")


@dataclass(frozen=True, slots=True)
class Verdict:
    """What a command found: a state from its own outcome (OK unless it failed), the
    text, its metrics and the long-text lines."""

    state: State
    text: str
    metrics: Sequence[Metric] = ()
    details: Sequence[str] = ()


def judge(verdict: Verdict, warning: Mapping[str, Range], critical: Mapping[str, Range]
          ) -> tuple[State, str]:
    """The final state (the verdict's, raised by any threshold crossed) and the text
    that says which threshold was crossed."""
    state, notes = verdict.state, []
    for metric in verdict.metrics:
        for limits, level in ((critical, State.CRITICAL), (warning, State.WARNING)):
            limit = limits.get(metric.label)
            if limit is not None and limit.alerts(metric.value):
                notes.append(f"{metric.label} {_num(metric.value)}{metric.uom} "
                             f"{limit.says(metric.value)} ({level.name.lower()})")
                if state is not State.UNKNOWN:
                    state = max(state, level)
                break
    text = verdict.text + (": " + ", ".join(notes) if notes else "")
    return state, text


def render(verdict: Verdict, warning: Mapping[str, Range], critical: Mapping[str, Range]
           ) -> tuple[State, str]:
    """(exit state, the whole output) for ``verdict`` against the thresholds."""
    state, text = judge(verdict, warning, critical)
    perf = " ".join(m.perfdata(warning.get(m.label), critical.get(m.label))
                    for m in verdict.metrics)
    line = f"TUIPHONE {state.name} - {_one_line(text)}" + (f" | {perf}" if perf else "")
    return state, "\n".join([line, *(_one_line(d) for d in verdict.details)]) + "\n"


def _label(label: str) -> str:
    return f"'{label}'" if any(c in label for c in " '=") else label


def _num(value: float | None) -> str:
    if value is None or math.isinf(value):
        return ""
    return f"{value:g}" if value == value else "U"


def _one_line(text: str) -> str:
    """A '|' would start perfdata, a newline long text: neither may come from a message."""
    return " ".join(text.replace("|", "/").split())
