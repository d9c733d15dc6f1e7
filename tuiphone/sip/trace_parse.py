"""Parse pjsip level-4 message dumps into TraceEntry values (pure functions)."""

from __future__ import annotations

import re

from tuiphone.model.trace import TraceEntry

# "TX 512 bytes Request msg INVITE/cseq=1 (tdta0x..) to UDP 127.0.0.1:5060:\n<msg>\n--end msg--"
_DUMP = re.compile(
    r"(?P<dir>TX|RX) \d+ bytes .*? (?:to|from) (?P<tp>[A-Za-z0-9]+) (?P<peer>\S+?):\r?\n"
    r"(?P<msg>.*?)\r?\n?--end msg--",
    re.S,
)
_SECRET_HEADERS = ("authorization:", "proxy-authorization:")
_SECRET_PARAM = re.compile(r'(password|passwd)="?[^",\s]*"?', re.I)


def parse_dump(text: str, timestamp: float) -> TraceEntry | None:
    """Return the TraceEntry for one pjsip message-dump log line, or None if it isn't one."""
    m = _DUMP.search(text)
    if m is None:
        return None
    return TraceEntry(
        timestamp=timestamp,
        direction=m["dir"].lower(),
        transport=m["tp"].upper(),
        peer=m["peer"],
        text=mask_secrets(m["msg"]),
    )


def mask_secrets(msg: str) -> str:
    """Defence in depth: digest credentials never contain the password, but a
    hand-written header might; blank any password-like parameter."""
    if "password" not in msg.lower() and "passwd" not in msg.lower():
        return msg
    lines = msg.split("\n")
    for i, line in enumerate(lines):
        if line.lower().startswith(_SECRET_HEADERS) or "pass" in line.lower():
            lines[i] = _SECRET_PARAM.sub(r'\1="***"', line)
    return "\n".join(lines)
