"""Stopping what a test left running, so that one failure does not fail the tests after it."""

from __future__ import annotations

import sys


def stop_leaked_backends() -> int:
    """Stop every PjBackend still running (pjsua2 allows one per process); returns how
    many there were. Does nothing when no test of this process has loaded the backend."""
    module = sys.modules.get("tuiphone.sip.backend")
    if module is None:
        return 0
    left = list(module._active)  # noqa: SLF001 - the backend's own registry of itself
    for backend in left:
        loop, backend._loop, backend._core = backend._loop, None, None  # noqa: SLF001
        if loop is not None:
            loop.stop()  # joins the pjsip thread, which shuts pjsua down
        if backend in module._active:  # noqa: SLF001
            module._active.remove(backend)  # noqa: SLF001
    return len(left)
