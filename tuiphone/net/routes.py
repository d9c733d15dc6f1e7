"""Which of our addresses reaches a given host: the kernel's routing choice.

A connected UDP socket's ``getsockname()`` is the source address the kernel would
use towards that destination; ``connect`` on UDP sends nothing.
"""

from __future__ import annotations

import contextlib
import socket

from tuiphone.net.sipuri import ip_literal


def local_address_for(address: str, port: int = 5060) -> str | None:
    """Our address on the interface that routes to ``address`` (an IP literal).

    None when there is no route (network unreachable) or ``address`` is not a literal.
    """
    literal = ip_literal(address)
    if literal is None:
        return None
    family = socket.AF_INET6 if ":" in literal else socket.AF_INET
    try:
        with socket.socket(family, socket.SOCK_DGRAM) as sock:
            sock.connect((literal, port or 5060))
            local = str(sock.getsockname()[0])
    except OSError:
        return None
    local = local.split("%", 1)[0]
    return None if local in ("0.0.0.0", "::") else local


def has_family(family: int) -> bool:
    """Whether this host can open sockets of ``family`` (4 or 6) at all."""
    af = socket.AF_INET6 if family == 6 else socket.AF_INET
    with contextlib.suppress(OSError), socket.socket(af, socket.SOCK_DGRAM) as sock:
        sock.bind(("::1" if family == 6 else "127.0.0.1", 0))
        return True
    return False
