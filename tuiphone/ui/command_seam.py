"""The seam to command mode (``tuiphone.commands``), which may not exist yet.

Expected: ``async def run_command_line(phone: PhoneApi, line: str) -> str`` that runs one
command-mode line against a phone and returns its human output (raising
``tuiphone.model.errors`` types). Without it the palette offers only its own actions.
"""

from __future__ import annotations

import importlib
from collections.abc import Awaitable, Callable
from typing import Any

_NAMES = ("run_command_line",)


def command_runner() -> Callable[[Any, str], Awaitable[str]] | None:
    try:
        module = importlib.import_module("tuiphone.commands")
    except ImportError:
        return None
    for name in _NAMES:
        runner = getattr(module, name, None)
        if callable(runner):
            return runner  # type: ignore[no-any-return]
    return None
