"""Errors of the control layer."""

from __future__ import annotations

from tuiphone.model.errors import TuiphoneError


class EngineNotRunning(TuiphoneError):
    """No engine listens on the control socket (nothing there, or a stale file)."""


class EngineGone(TuiphoneError):
    """The engine closed the connection while a request was in flight."""
