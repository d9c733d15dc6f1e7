"""RFC 6442 on the wire: the body parts of an emergency INVITE, and what a 424 says.

pjsua2 puts our parts first and its own SDP last in a multipart/mixed body; the
Content-ID goes in as a part header (location-facts §2).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import pjsua2 as pj

from tuiphone.model.backend import BodyPart
from tuiphone.model.call import LocationRefusal

_PIDF = re.compile(r"<\?xml[^>]*\?>\s*<(?:\w+:)?presence\b.*?</(?:\w+:)?presence>|"
                   r"<(?:\w+:)?presence\b.*?</(?:\w+:)?presence>", re.S)


def add_parts(op: pj.CallOpParam, parts: Sequence[BodyPart]) -> None:
    """Make the INVITE of ``op`` multipart/mixed with ``parts`` before pjsua's SDP."""
    if not parts:
        return
    mixed = pj.SipMediaType()
    mixed.type, mixed.subType = "multipart", "mixed"
    op.txOption.multipartContentType = mixed
    for part in parts:
        item = pj.SipMultipartPart()
        kind, _, sub = part.content_type.partition("/")
        item.contentType.type, item.contentType.subType = kind, sub
        if part.content_id:
            h = pj.SipHeader()
            h.hName, h.hValue = "Content-ID", f"<{part.content_id}>"
            item.headers.append(h)
        item.body = part.body
        op.txOption.multipartParts.append(item)


def refusal(message: str) -> LocationRefusal | None:
    """What a 424 response says about our location; None for other messages."""
    head, _, body = message.partition("\r\n\r\n")
    lines = head.split("\r\n")
    if not lines or not re.match(r"SIP/2\.0\s+424\b", lines[0]):
        return None
    fields: dict[str, str] = {}
    for line in lines[1:]:
        name, sep, value = line.partition(":")
        if sep and name.strip().lower() in ("geolocation", "geolocation-error"):
            fields.setdefault(name.strip().lower(), value.strip())
    match = _PIDF.search(body)
    return LocationRefusal(
        error=fields.get("geolocation-error", ""),
        geolocation=fields.get("geolocation", ""),
        pidf=match.group(0) if match else "",
    )


def retry_request(headers: dict[str, str], refusal: LocationRefusal, cid: str
                  ) -> tuple[dict[str, str], tuple[BodyPart, ...]]:
    """Headers and parts for the INVITE after a 424: with the PIDF-LO the server sent
    (by value, under the fresh ``cid``), else the URI its Geolocation names (by
    reference), else without location: an emergency call goes out regardless."""
    kept = {n: v for n, v in headers.items()
            if n.lower() not in ("geolocation", "geolocation-routing")}
    if refusal.pidf:
        located = {"Geolocation": f"<cid:{cid}>", "Geolocation-Routing": "yes"}
        return {**located, **kept}, (BodyPart("application/pidf+xml", refusal.pidf, cid),)
    uri = refusal.geolocation.strip().split(",", 1)[0].strip()
    if uri and not uri.lower().startswith("<cid:"):
        return {"Geolocation": uri, "Geolocation-Routing": "yes", **kept}, ()
    return kept, ()


def final_response(prm: pj.OnCallStateParam) -> str:
    """The response that ended the call, as received ("" when it was not one)."""
    try:
        event = prm.e
        if event.type != pj.PJSIP_EVENT_TSX_STATE:
            return ""
        state = event.body.tsxState
        if state.type != pj.PJSIP_EVENT_RX_MSG:
            return ""
        return str(state.src.rdata.wholeMsg)
    except Exception:  # no rdata on a local end: nothing was received
        return ""
