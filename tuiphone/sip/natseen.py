"""What the registrar saw of us: ``received``/``rport`` of the top Via of its answer.

pjsua rewrites its Contact to that address when contact rewriting is on; the account
state shows the same, so ``status`` and the TUI tell the user the public address
the registrar reaches them at.
"""

from __future__ import annotations

import re

_VIA = re.compile(r"^(?:via|v)\s*:\s*(.*)$", re.I | re.M)
_PARAM = re.compile(r";\s*(received|rport)\s*=\s*([^;,\s]+)", re.I)
_CONTACT_HOSTPORT = re.compile(r"^(sips?:(?:[^@;>]+@)?)(\[[^\]]+\]|[^:;>]+)(?::(\d+))?(.*)$")


def seen_address(message: str) -> tuple[str, int] | None:
    """(received, rport) from the first Via of a SIP message; None unless both are there."""
    head = message.split("\r\n\r\n", 1)[0]
    match = _VIA.search(head)
    if match is None:
        return None
    first_via = match.group(1).split(",", 1)[0]
    params = {k.lower(): v for k, v in _PARAM.findall(first_via)}
    received, rport = params.get("received"), params.get("rport", "")
    if not received or not rport.isdigit():
        return None
    return received.strip("[]"), int(rport)


def rewritten(contact: str, seen: tuple[str, int]) -> str:
    """``contact`` (a SIP URI) with its host and port replaced by ``seen``."""
    match = _CONTACT_HOSTPORT.match(contact)
    if match is None:
        return contact
    host = f"[{seen[0]}]" if ":" in seen[0] else seen[0]
    return f"{match.group(1)}{host}:{seen[1]}{match.group(4)}"
