"""Which of our addresses reaches a given host: the kernel's routing choice.

A connected UDP socket's ``getsockname()`` is the source address the kernel would
use towards that destination; ``connect`` on UDP sends nothing.
"""

from __future__ import annotations

import contextlib
import ipaddress
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


# pjlib's own probe of the default route (pj_getdefaultipinterface): nothing is sent
_DEFAULT_ROUTE = {4: "1.1.1.1", 6: "1::1"}
IF_INET6 = "/proc/net/if_inet6"


def default_address(family: int, if_inet6: str = IF_INET6) -> str | None:
    """Our address on the default route of ``family`` (4 or 6). Without one, for IPv6,
    the first global address an interface has, else ``::1``; for IPv4, None."""
    found = local_address_for(_DEFAULT_ROUTE[family])
    if found is not None or family == 4:
        return found
    try:
        with open(if_inet6, encoding="ascii") as table:
            rows = [line.split() for line in table]
    except OSError:
        return "::1"
    for row in rows:
        if len(row) >= 4 and row[3] == "00":  # scope global (not host, not link-local)
            return str(ipaddress.IPv6Address(bytes.fromhex(row[0])))
    return "::1"


def has_family(family: int) -> bool:
    """Whether this host can open sockets of ``family`` (4 or 6) at all."""
    af = socket.AF_INET6 if family == 6 else socket.AF_INET
    with contextlib.suppress(OSError), socket.socket(af, socket.SOCK_DGRAM) as sock:
        sock.bind(("::1" if family == 6 else "127.0.0.1", 0))
        return True
    return False
