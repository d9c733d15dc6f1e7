"""Where the control socket lives and how its directory is made safe."""

from __future__ import annotations

from pathlib import Path

from tuiphone.config.paths import SOCKET_NAME, ensure_dir, socket_file

__all__ = ["SOCKET_NAME", "prepare_socket_dir", "socket_path"]


def socket_path() -> Path:
    """``$XDG_RUNTIME_DIR/tuiphone/control.sock``; computing it creates nothing."""
    return socket_file()


def prepare_socket_dir(path: Path) -> None:
    """Create the socket's directory with mode 0700. Raises ConfigError if it is unsafe."""
    ensure_dir(path.parent, 0o700)
