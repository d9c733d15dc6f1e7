"""Parse pjsip level-4 message dumps into TraceEntry values (pure functions)."""

from __future__ import annotations

import re

from tuiphone.model.trace import TraceEntry

# "TX 512 bytes Request msg INVITE/cseq=1 (tdta0x..) to UDP 127.0.0.1:5060:\n<msg>\n--end msg--"
# Only the short first line goes through a regular expression; the end of the message is
# found with str.find (a lazy ".*?" over the whole message cost ~50 us a message).
_HEAD = re.compile(
    r"(?P<dir>TX|RX) \d+ bytes [^\n]*? (?:to|from) (?P<tp>[A-Za-z0-9]+) (?P<peer>\S+?):\r?\n"
)
_END = "--end msg--"
_SECRET_HEADERS = ("authorization:", "proxy-authorization:")
_SECRET_PARAM = re.compile(r'(password|passwd)="?[^",\s]*"?', re.I)


def parse_dump(text: str, timestamp: float) -> TraceEntry | None:
    """Return the TraceEntry for one pjsip message-dump log line, or None if it isn't one."""
    m = _HEAD.search(text)
    if m is None:
        return None
    end = text.find(_END, m.end())
    if end < 0:
        return None
    msg = text[m.end():end]
    if msg.endswith("\n"):
        msg = msg[:-1]
    if msg.endswith("\r"):
        msg = msg[:-1]
    return TraceEntry(
        timestamp=timestamp,
        direction=m["dir"].lower(),
        transport=m["tp"].upper(),
        peer=m["peer"],
        text=mask_secrets(msg),
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
