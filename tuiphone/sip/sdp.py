"""The address in our SDP for calls of accounts without a server route.

pjsua puts the default interface's address into the SDP of RTP bound to every
address; on a multi-homed host (a VPN, a lab veth) that is an address the peer may
not reach, and the call gets one-way audio. For such calls we put in the address
that routes to the peer: for an outgoing call the engine tells us (it resolved the
callee), for an incoming one the peer's own SDP says where its media comes from.
"""

from __future__ import annotations

import re

from tuiphone.net.routes import local_address_for

_CONN = re.compile(r"^c=IN (IP4|IP6) (\S+)", re.M)
_ORIGIN = re.compile(r"^(o=\S+ \S+ \S+ IN )(IP4|IP6) (\S+)", re.M)
_RTCP = re.compile(r"^(a=rtcp:\d+ IN )(IP4|IP6) (\S+)", re.M)


def connection_address(sdp: str) -> str | None:
    """The first ``c=`` address of an SDP body (None if there is none)."""
    match = _CONN.search(sdp)
    return match.group(2) if match else None


def address_for_peer(remote_sdp: str) -> str | None:
    """Our address on the route to the media address in ``remote_sdp``."""
    peer = connection_address(remote_sdp)
    if peer is None or peer in ("0.0.0.0", "::"):
        return None
    return local_address_for(peer)


def with_address(sdp: str, address: str) -> str:
    """``sdp`` with its origin and connection addresses replaced by ``address``.

    Lines of the other address family stay as they are (the stream would not bind).
    """
    kind = "IP6" if ":" in address else "IP4"

    def conn(m: re.Match[str]) -> str:
        same = m.group(1) == kind and m.group(2) not in ("0.0.0.0", "::")
        return f"c=IN {kind} {address}" if same else m.group(0)

    def origin(m: re.Match[str]) -> str:
        return f"{m.group(1)}{kind} {address}" if m.group(2) == kind else m.group(0)

    return _RTCP.sub(origin, _ORIGIN.sub(origin, _CONN.sub(conn, sdp)))


_MEDIA = re.compile(r"^m=audio (\d+) ", re.M)


def offered_rtp(sdp: str) -> str:
    """"address:port" of the audio stream an SDP offers ("" if it has none)."""
    address, port = connection_address(sdp), _MEDIA.search(sdp)
    if address is None or port is None:
        return ""
    shown = f"[{address}]" if ":" in address else address
    return f"{shown}:{port.group(1)}"


def ipv6_only(body: str) -> bool:
    """An SDP whose every connection address is IPv6: this wheel cannot take part (it
    is built without IPv6 media; negotiating it aborts the process in pjlib)."""
    kinds = {m.group(1) for m in _CONN.finditer(body)}
    return kinds == {"IP6"}
