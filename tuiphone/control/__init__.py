"""The control socket: ``ControlServer`` serves an engine, ``RemotePhone`` attaches to one.

No Textual, no prompt_toolkit: this package is imported by the one-shot CLI.
"""

from tuiphone.control.errors import EngineGone, EngineNotRunning
from tuiphone.control.paths import socket_path
from tuiphone.control.remote import RemotePhone
from tuiphone.control.server import ControlServer

__all__ = ["ControlServer", "EngineGone", "EngineNotRunning", "RemotePhone", "socket_path"]
