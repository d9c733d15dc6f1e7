"""Say once that saving fails, not once per event: a full disk during an OPTIONS
flood would otherwise bury the user in identical notices."""

from __future__ import annotations

from collections.abc import Callable

from tuiphone.model.events import Event, Notice


class Complaints:
    """One error Notice when saving one kind of thing starts to fail, silence while it
    keeps failing, and one info Notice (with the count lost) once it works again.
    Loop thread only."""

    def __init__(self, publish: Callable[[Event], None]) -> None:
        self._publish = publish
        self._lost: dict[str, int] = {}  # kind -> events not saved since it started failing

    def failed(self, kind: str, why: str, lost: bool = True) -> None:
        """``lost`` False: the write waits to be retried (it is not lost)."""
        if kind not in self._lost:
            self._publish(Notice("error", f"{kind} not saved: {why}"))
            self._lost[kind] = 0
        self._lost[kind] += int(lost)

    def worked(self, kind: str) -> None:
        lost = self._lost.pop(kind, None)
        if lost is not None:
            tail = f"{lost} not saved" if lost else "nothing lost"
            self._publish(Notice("info", f"{kind} is saved again ({tail})"))

    def failing(self, kind: str) -> bool:
        return kind in self._lost
