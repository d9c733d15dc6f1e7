"""IMDN (RFC 5438): delivery and display notifications, ``message/imdn+xml``.

``request_headers`` are what an outgoing message carries to ask for notifications;
``build`` writes a notification; ``parse`` reads one. XML with a DOCTYPE or entity
declarations, or over MAX_XML bytes, is refused before parsing. Pure functions;
malformed input raises ImdnError with one readable line.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from xml.etree.ElementTree import Element

CONTENT_TYPE = "message/imdn+xml"
NS = "urn:ietf:params:xml:ns:imdn"
MAX_XML = 8192
DELIVERY, DISPLAY = "positive-delivery", "display"
ASK = f"{DELIVERY}, {DISPLAY}"


class ImdnError(ValueError):
    """Not a usable IMDN document; the text says why."""


@dataclass(frozen=True, slots=True)
class Notification:
    message_id: str  # the imdn.Message-ID of the message this is about
    kind: str  # "delivery" | "display"
    status: str  # "delivered", "displayed", "failed", "forbidden", "error"

    @property
    def positive(self) -> bool:
        return self.status in ("delivered", "displayed")


def wants(disposition: str) -> set[str]:
    """The notifications an imdn.Disposition-Notification value asks for."""
    return {p.strip().lower() for p in disposition.split(",") if p.strip()}


def safe_xml(text: str) -> Element:
    """Parse small, declaration-free XML. Raises ImdnError."""
    import xml.etree.ElementTree as ET  # ~2 ms: loaded with the first receipt or typing note

    if len(text.encode("utf-8")) > MAX_XML:
        raise ImdnError(f"XML body over {MAX_XML} bytes")
    if "<!" in text:
        raise ImdnError("XML with a DOCTYPE or entity declaration is refused")
    try:
        return ET.fromstring(text)
    except ET.ParseError as err:
        raise ImdnError(f"not well-formed XML ({err})") from None


def parse(text: str) -> Notification:
    root = safe_xml(text)
    if _local(root.tag) != "imdn":
        raise ImdnError(f"root element is <{_local(root.tag)}>, not <imdn>")
    message_id = ""
    kind = status = ""
    for child in root:
        name = _local(child.tag)
        if name == "message-id":
            message_id = (child.text or "").strip()
        elif name in ("delivery-notification", "display-notification"):
            kind = name.split("-")[0]
            for sub in child:
                if _local(sub.tag) == "status":
                    states = [_local(s.tag) for s in sub]
                    status = states[0] if states else ""
    if not message_id:
        raise ImdnError("IMDN has no <message-id>")
    if not kind:
        raise ImdnError("IMDN is neither a delivery nor a display notification")
    if not status:
        raise ImdnError(f"IMDN {kind} notification has no <status>")
    return Notification(message_id, kind, status)


def build(message_id: str, kind: str, status: str, now: float | None = None) -> str:
    """A notification about ``message_id``: kind "delivery" or "display"."""
    stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() if now is None else now))
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<imdn xmlns="{NS}">'
        f"<message-id>{_escape(message_id)}</message-id>"
        f"<datetime>{stamp}</datetime>"
        f"<{kind}-notification><status><{status}/></status></{kind}-notification>"
        "</imdn>"
    )


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _escape(text: str) -> str:
    """XML character data (what ``xml.sax.saxutils.escape`` does, without importing
    urllib.request and the email package with it)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
