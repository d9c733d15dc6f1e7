"""Map pjsua2 call data to model values (pure functions, no pjsua2 objects kept)."""

from __future__ import annotations

import re

from tuiphone.model.call import CallState, Direction, MediaState
from tuiphone.sip.text import clean

# PJSIP_INV_STATE_* values: NULL, CALLING, INCOMING, EARLY, CONNECTING, CONFIRMED, DISCONNECTED
_STATES = {
    0: CallState.CALLING,
    1: CallState.CALLING,
    2: CallState.INCOMING,
    3: CallState.RINGING,
    4: CallState.CONNECTING,
    5: CallState.CONNECTED,
    6: CallState.ENDED,
}
# PJSUA_CALL_MEDIA_* values: NONE, ACTIVE, LOCAL_HOLD, REMOTE_HOLD, ERROR
_MEDIA = {
    0: MediaState.NONE,
    1: MediaState.ACTIVE,
    2: MediaState.LOCAL_HOLD,
    3: MediaState.REMOTE_HOLD,
    4: MediaState.ERROR,
}
_NAME_ADDR = re.compile(r'^\s*(?:"(?P<q>(?:[^"\\]|\\.)*)"|(?P<t>[^<"]*?))\s*<(?P<uri>[^>]*)>')


def call_state(inv_state: int, direction: Direction) -> CallState:
    """The model state for a PJSIP_INV_STATE value (EARLY is RINGING both ways)."""
    state = _STATES.get(inv_state, CallState.CALLING)
    if state is CallState.CALLING and direction is Direction.INCOMING:
        return CallState.INCOMING
    return state


def media_state(status: int) -> MediaState:
    return _MEDIA.get(status, MediaState.NONE)


def split_name_addr(value: str) -> tuple[str, str]:
    """``'"Bob" <sip:bob@h>;tag=x'`` → ``("Bob", "sip:bob@h")``; a bare URI has no name.
    Bytes that were not UTF-8 (see ``text.clean``) come back as U+FFFD."""
    value = clean(value)
    m = _NAME_ADDR.match(value)
    if m is None:
        return "", value.split(";tag=", 1)[0].strip()
    name = m["q"] if m["q"] is not None else (m["t"] or "")
    return name.replace('\\"', '"').strip(), m["uri"].strip()


def srtp_suite(dump: str) -> str:
    """The crypto suite from Call.dump() text ("SRTP status: Active Crypto-suite: X"), else ""."""
    m = re.search(r"SRTP status:\s*Active\s+Crypto-suite:\s*(\S+)", dump)
    return m.group(1) if m else ""


def custom_headers(msg: str) -> tuple[tuple[str, str], ...]:
    """The X-* and Subject headers of a SIP message's header section, in order."""
    out: list[tuple[str, str]] = []
    for line in msg.replace("\r\n", "\n").split("\n")[1:]:
        if not line.strip():
            break
        name, sep, value = line.partition(":")
        if sep and (name.lower().startswith("x-") or name.lower() == "subject"):
            out.append((name.strip(), value.strip()))
    return tuple(out)
