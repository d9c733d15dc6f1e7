"""Taking secrets out of text before it is written anywhere (logs, bundles)."""

from __future__ import annotations

import re

from tuiphone.config.secrets import resolved_secrets

REDACTED = "[redacted]"
_AUTH = re.compile(r"((?:proxy-)?authorization\s*:\s*)[^\r\n]*", re.IGNORECASE)
_PASSWORD = re.compile(r"(password\s*[=:]\s*)\S+", re.IGNORECASE)


def redact(text: str) -> str:
    """``text`` without any password this process resolved, and without the values of
    Authorization/Proxy-Authorization headers and ``password=`` pairs."""
    for secret in sorted(resolved_secrets(), key=len, reverse=True):
        text = text.replace(secret, REDACTED)
    text = _AUTH.sub(lambda m: m.group(1) + REDACTED, text)
    return _PASSWORD.sub(lambda m: m.group(1) + REDACTED, text)
