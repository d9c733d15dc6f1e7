"""``call --dry-run``: the INVITE as far as tuiphone knows it before pjsua builds it.

What only the stack decides at send time (branch, tags, Call-ID, the SDP offer with
its ports, the multipart boundary) is shown as ``<... at send time>`` and named in
``pending``, never invented. The PIDF-LO and the headers we add are exact, except that
each call gets a fresh Content-ID and timestamp.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from tuiphone.model.account import AccountConfig, AccountState
from tuiphone.model.backend import BodyPart
from tuiphone.model.location import InvitePreview, LocationChoice

_LATER = "<{} at send time>"
_STACK = ("Via", "From tag", "Call-ID", "CSeq number", "Allow", "Supported",
          "Session-Expires", "Content-Length")


def preview_invite(acc: AccountConfig, uri: str, headers: Mapping[str, str] | None,
                   state: AccountState | None, user_agent: str,
                   parts: Sequence[BodyPart] = (), choice: LocationChoice | None = None
                   ) -> InvitePreview:
    transport = acc.transport.value.upper() if acc.transport.value != "auto" else "UDP"
    contact = state.contact if state and state.contact else _LATER.format("our Contact")
    lines = [
        f"INVITE {uri} SIP/2.0",
        f"Via: SIP/2.0/{transport} {_LATER.format('local address;rport;branch')}",
        "Max-Forwards: 70",
        f"From: <{acc.uri}>;tag={_LATER.format('tag')}",
        f"To: <{uri}>",
        f"Contact: {contact}",
        f"Call-ID: {_LATER.format('Call-ID')}",
        f"CSeq: {_LATER.format('number')} INVITE",
        *(f"Route: <{proxy}>" for proxy in acc.proxy),
        f"Allow: {_LATER.format('pjsua methods')}",
        f"Supported: {_LATER.format('pjsua extensions')}",
        f"User-Agent: {user_agent}",
        *(f"{name}: {value}" for name, value in (headers or {}).items()),
    ]
    pending = list(_STACK) + (["Contact"] if not (state and state.contact) else [])
    lines += _body(parts)
    if parts:
        pending += ["multipart boundary", "SDP offer", "Content-ID and timestamp (fresh per call)"]
    else:
        pending.append("SDP offer")
    emergency = choice is not None or any(n.lower() == "priority" and v == "emergency"
                                          for n, v in (headers or {}).items())
    return InvitePreview("\r\n".join(lines), emergency, choice, tuple(pending))


def _body(parts: Sequence[BodyPart]) -> list[str]:
    sdp = _LATER.format("SDP offer (codecs, address, ports), built by pjsua")
    if not parts:
        return ["Content-Type: application/sdp",
                f"Content-Length: {_LATER.format('length')}", "", sdp]
    boundary = _LATER.format("boundary")
    lines = [f"Content-Type: multipart/mixed;boundary={boundary}",
             f"Content-Length: {_LATER.format('length')}", ""]
    for part in parts:  # pjsua puts ours first and its SDP last
        lines.append(f"--{boundary}")
        if part.content_id:
            lines.append(f"Content-ID: <{part.content_id}>")
        lines += [f"Content-Type: {part.content_type}", "", part.body.rstrip("\n"), ""]
    lines += [f"--{boundary}", "Content-Type: application/sdp", "", sdp, f"--{boundary}--"]
    return lines
