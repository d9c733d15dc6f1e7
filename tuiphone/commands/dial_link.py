"""``open sip:…|sips:…|tel:…``: what a link hands the phone to dial.

Browsers and desktops pass the link as clicked: percent-encoded, sometimes with ``//``
after the scheme, and ``tel:`` numbers with visual separators and parameters.
"""

from __future__ import annotations

import re
from urllib.parse import unquote

from tuiphone.model.errors import UsageError

DIAL_SCHEMES = ("sip", "sips", "tel")
_VISUAL = re.compile(r"[\s\-.()]")


def is_dial_link(link: str) -> bool:
    scheme, colon, _ = link.partition(":")
    return bool(colon) and scheme.lower() in DIAL_SCHEMES


def dial_text(link: str) -> str:
    """What to dial: ``sip:``/``sips:`` URIs as they are (decoded), a ``tel:`` number
    without separators or parameters. Raises UsageError for an empty one."""
    scheme, _, rest = link.partition(":")
    rest = unquote(rest).strip().removeprefix("//")
    if scheme.lower() == "tel":
        text = _VISUAL.sub("", rest.split(";", 1)[0])
    else:
        text = f"{scheme.lower()}:{rest}" if rest else ""
    if not text or text.endswith(":") or any(c in text for c in "\r\n\0"):
        raise UsageError(f"{link[:60]!r}: nothing to dial in this link")
    return text
