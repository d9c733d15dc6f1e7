"""Thresholds in the monitoring-plugins range syntax, and the ``--warning`` list.

A range ``[@]START:END`` alerts when the value is outside START..END (inside with
``@``); START defaults to 0, ``~`` is minus infinity, an empty END is infinity:
``10`` alerts above 10 or below 0, ``10:`` below 10, ``~:10`` above 10, ``@1:2``
between 1 and 2 (https://www.monitoring-plugins.org/doc/guidelines.html#THRESHOLDFORMAT).

A bare number is read in the direction that is bad for its metric: ``rtt=50`` alerts
above 50 (range ``50``), ``mos=3.8`` below 3.8 (range ``3.8:``), so the short form
means what it says for every metric.
"""

from __future__ import annotations

import math
from collections.abc import Collection
from dataclasses import dataclass

from tuiphone.model.errors import UsageError


@dataclass(frozen=True, slots=True)
class Range:
    start: float
    end: float
    inside: bool  # "@": alert when inside
    text: str  # as it goes into perfdata

    def alerts(self, value: float) -> bool:
        within = self.start <= value <= self.end
        return within if self.inside else not within

    def says(self, value: float) -> str:
        """Why ``value`` alerts, in words: "above 50", "below 3.8", "inside @1:2"."""
        if self.inside:
            return f"inside {self.text}"
        return f"above {self.end:g}" if value > self.end else f"below {self.start:g}"


def parse_range(text: str, low_is_bad: bool = False) -> Range:
    """Raises UsageError for anything that is not a range."""
    spec = text.strip()
    inside = spec.startswith("@")
    body = spec[1:] if inside else spec
    if low_is_bad and not inside and _is_number(body):
        body, spec = f"{body}:", f"{body}:"
    start_text, colon, end_text = body.rpartition(":") if ":" in body else ("", "", body)
    try:
        start = -math.inf if start_text == "~" else float(start_text) if start_text else 0.0
        end = float(end_text) if end_text else math.inf
    except ValueError:
        raise UsageError(f"{text!r} is not a threshold range (e.g. 50, 10:, ~:50, "
                         "@10:20)") from None
    if not colon and not end_text or start > end:
        raise UsageError(f"{text!r} is not a threshold range (start above end?)")
    return Range(start, end, inside, spec)


def parse_thresholds(text: str | None, metrics: dict[str, bool], option: str
                     ) -> dict[str, Range]:
    """``"rtt=50,mos=3.8"`` -> {metric: Range}. ``metrics`` maps each known metric to
    whether low values are bad. Raises UsageError for unknown metrics or bad ranges."""
    out: dict[str, Range] = {}
    for item in (text or "").split(","):
        if not item.strip():
            continue
        name, sep, value = item.partition("=")
        name = name.strip()
        if not sep or name not in metrics:
            raise UsageError(f"{option} {item.strip()!r}: use METRIC=RANGE with METRIC one "
                             f"of {_names(metrics)}")
        out[name] = parse_range(value, metrics[name])
    return out


def _names(metrics: Collection[str]) -> str:
    return ", ".join(sorted(metrics))


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True
