"""The control socket's listening end, bound before the engine it will serve exists.

An owner binds it as soon as it has decided to own (``tuiphone.host``): from then on a
client's connection waits in the listen queue until the engine serves it, so a command
started while the engine is still starting attaches instead of starting a second one.
"""

from __future__ import annotations

import errno
import os
import socket
from pathlib import Path

from tuiphone.control.paths import prepare_socket_dir
from tuiphone.control.stale import claim_socket_path
from tuiphone.model.errors import UsageError

BACKLOG = 128  # connections that may wait for an engine still starting


async def bind_listener(path: Path) -> socket.socket:
    """A listening, non-blocking Unix socket at ``path``, born mode 0600 in a 0700
    directory. Raises UsageError if an engine already listens there, ConfigError if the
    path or its directory is unsafe, OSError otherwise."""
    prepare_socket_dir(path)
    await claim_socket_path(path)
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    old = os.umask(0o177)  # no window in which the socket has wider rights
    try:
        sock.bind(str(path))
    except OSError as err:
        sock.close()
        if err.errno == errno.EADDRINUSE:  # someone bound it since claim_socket_path
            raise UsageError(f"an engine is already running (control socket {path})") from err
        raise
    finally:
        os.umask(old)
    os.chmod(path, 0o600)
    sock.listen(BACKLOG)
    sock.setblocking(False)
    return sock
