"""Toasts at a pace a person can read. A burst of engine notices (a flood of bad
requests, a failing disk, a flapping network) shows the first few, then one summary
naming how many more came and the last of them: the screen stays usable and nothing
is dropped without a word."""

from __future__ import annotations

import time
from collections.abc import Callable

from textual.notifications import SeverityLevel


class NoticeGate:
    """A token bucket: ``burst`` toasts at once, then ``per_s`` a second. Loop thread."""

    def __init__(self, burst: int = 5, per_s: float = 1.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._burst, self._per_s, self._clock = burst, per_s, clock
        self._tokens = float(burst)
        self._at = clock()
        self.held = 0  # notices refused since the last summary
        self.last_held = ""

    def admit(self, text: str) -> bool:
        """True: show ``text`` now. False: it is counted for the next summary."""
        now = self._clock()
        self._tokens = min(self._burst, self._tokens + (now - self._at) * self._per_s)
        self._at = now
        if self._tokens >= 1.0:
            self._tokens -= 1.0
            return True
        self.held += 1
        self.last_held = text
        return False

    @property
    def wait_s(self) -> float:
        """How long until a toast is allowed again."""
        return max(0.0, (1.0 - self._tokens) / self._per_s)

    def summary(self) -> str | None:
        """The summary of what was held back (and forget it), or None."""
        if not self.held:
            return None
        text = f"{self.held} more notices; the last: {self.last_held}"
        self.held, self.last_held = 0, ""
        return text


class Toasts:
    """Notices as toasts through a ``NoticeGate``: ``notify(text, severity)`` shows one,
    ``later(delay_s, fn)`` (a screen's ``set_timer``) brings the summary when the gate
    opens again."""

    def __init__(self, notify: Callable[[str, SeverityLevel], object],
                 later: Callable[[float, Callable[[], None]], object],
                 gate: NoticeGate | None = None) -> None:
        self._notify, self._later = notify, later
        self.gate = gate or NoticeGate()

    def show(self, text: str, severity: SeverityLevel) -> None:
        if self.gate.admit(text):
            self._notify(text, severity)
        elif self.gate.held == 1:
            self._later(self.gate.wait_s, self._summary)

    def _summary(self) -> None:
        text = self.gate.summary()
        if text is not None:
            self._notify(text, "warning")
