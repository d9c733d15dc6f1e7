"""Who is calling, and who says so: P-Asserted-Identity (RFC 3325), Remote-Party-ID,
the STIR/SHAKEN ``verstat`` parameter (3GPP TS 24.229) and the Identity header (RFC
8224) of an INVITE. Pure.

Only a vouching source (the account's registrar or a listed address) is believed:
from anyone else the asserted identity and ``verstat`` are ignored and the caller's
own From is shown as unverified.
"""

from __future__ import annotations

import re

from tuiphone.model.trust import VERSTAT, CallerIdentity, Vouch
from tuiphone.sip.callinfo import split_name_addr

PAI = "P-Asserted-Identity"
RPID = "Remote-Party-ID"
_VERSTAT = re.compile(r"verstat=([A-Za-z-]+)", re.I)
_SHORT = {"f": "from", "y": "identity"}  # compact header forms (RFC 3261, RFC 8224)


def headers(msg: str) -> dict[str, list[str]]:
    """Header values by lower-case name (continuation lines joined), request line skipped."""
    found: dict[str, list[str]] = {}
    last: list[str] | None = None
    for line in msg.replace("\r\n", "\n").split("\n")[1:]:
        if not line.strip():
            break
        if line[0] in " \t" and last is not None:
            last[-1] += " " + line.strip()
            continue
        name, sep, value = line.partition(":")
        if not sep:
            continue
        key = name.strip().lower()
        last = found.setdefault(_SHORT.get(key, key), [])
        last.append(value.strip())
    return found


def split_list(value: str) -> list[str]:
    """A header value holding a comma-separated list of name-addrs."""
    out, depth, quoted, start = [], 0, False, 0
    for i, ch in enumerate(value):
        if ch == '"' and (i == 0 or value[i - 1] != "\\"):
            quoted = not quoted
        elif not quoted and ch == "<":
            depth += 1
        elif not quoted and ch == ">":
            depth -= 1
        elif not quoted and depth == 0 and ch == ",":
            out.append(value[start:i].strip())
            start = i + 1
    out.append(value[start:].strip())
    return [v for v in out if v]


def caller_identity(msg: str, vouched: bool, source: str = "") -> tuple[CallerIdentity, str]:
    """The caller's identity and the name-addr to show ("" keeps From)."""
    found = headers(msg)
    from_value = (found.get("from") or [""])[0]
    asserted, header = _asserted(found)
    signed = bool(found.get("identity"))
    claimed = split_name_addr(from_value)[1]
    if not vouched:
        return CallerIdentity(Vouch.UNVERIFIED, identity_header=signed, source=source), ""
    verstat = _verstat([*asserted, from_value])
    vouch = VERSTAT.get(verstat.lower()) if verstat else None
    if vouch is None:
        vouch = Vouch.VERIFIED if asserted else Vouch.UNVERIFIED
    shown = _preferred(asserted)
    identity = CallerIdentity(
        vouch,
        asserted_by=header if shown else "",
        verstat=verstat,
        identity_header=signed,
        claimed=claimed if shown and split_name_addr(shown)[1] != claimed else "",
        source=source,
    )
    return identity, shown


def _asserted(found: dict[str, list[str]]) -> tuple[list[str], str]:
    for header in (PAI, RPID):
        values = [v for raw in found.get(header.lower(), []) for v in split_list(raw)]
        if header == RPID:  # only the calling party's, and not a screened-out one
            values = [v for v in values if "party=called" not in v.lower()]
        if values:
            return values, header
    return [], ""


def _preferred(values: list[str]) -> str:
    """A SIP URI among the asserted identities if there is one (PAI may carry a sip: and
    a tel: URI of one caller), else the first."""
    for value in values:
        uri = split_name_addr(value)[1].lower()
        if uri.startswith(("sip:", "sips:")):
            return value
    return values[0] if values else ""


def _verstat(values: list[str]) -> str:
    for value in values:
        m = _VERSTAT.search(value)
        if m:
            return m.group(1)
    return ""
