"""The system's name servers, as ``/etc/resolv.conf`` lists them."""

from __future__ import annotations

from pathlib import Path

from tuiphone.net.sipuri import ip_literal

RESOLV_CONF = Path("/etc/resolv.conf")
MAX_SERVERS = 3  # resolv.conf's own limit (MAXNS); pjsua takes at most 4


def system_nameservers(path: Path = RESOLV_CONF) -> tuple[str, ...]:
    """Every ``nameserver`` address in ``path`` (at most three, in order).

    A missing or unreadable file gives (); malformed lines are skipped.
    """
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return ()
    found: list[str] = []
    for line in text.splitlines():
        words = line.split("#", 1)[0].split(";", 1)[0].split()
        if len(words) >= 2 and words[0] == "nameserver":
            address = ip_literal(words[1])
            if address is not None and address not in found:
                found.append(address)
    return tuple(found[:MAX_SERVERS])
