"""The control socket: ``ControlServer`` serves an engine, ``RemotePhone`` attaches to one.

No Textual, no prompt_toolkit. Names are loaded on first use so that importing
``tuiphone.control.errors`` (as the exit-code table does) stays cheap.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tuiphone.control.errors import EngineGone, EngineNotRunning
    from tuiphone.control.paths import socket_path
    from tuiphone.control.remote import RemotePhone
    from tuiphone.control.server import ControlServer

_WHERE = {
    "ControlServer": "tuiphone.control.server",
    "EngineGone": "tuiphone.control.errors",
    "EngineNotRunning": "tuiphone.control.errors",
    "RemotePhone": "tuiphone.control.remote",
    "socket_path": "tuiphone.control.paths",
}

__all__ = ["ControlServer", "EngineGone", "EngineNotRunning", "RemotePhone", "socket_path"]


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module 'tuiphone.control' has no attribute {name!r}")
    return getattr(importlib.import_module(_WHERE[name]), name)
