"""The cloud-ID forms: ``user@CODE`` (split at the last ``@``) and ``csc:`` links.

``csc:user:password@CODE``, ``csc:user@CODE`` and ``csc:CODE``; user and password are
URL-decoded; a trailing ``*`` on the code (the provider's test version) is kept in
``%fullcode%``. The service URL comes from ``[provisioning] url``.
"""

from __future__ import annotations

import re
import urllib.parse
from dataclasses import dataclass

from tuiphone.model.errors import UsageError

_CODE = re.compile(r"[A-Za-z0-9]+\*?")


@dataclass(frozen=True, slots=True, repr=False)
class CloudId:
    code: str
    username: str = ""
    password: str | None = None

    def __repr__(self) -> str:
        return f"CloudId(code={self.code!r}, username={self.username!r})"


def is_url(text: str) -> bool:
    return text.startswith(("http://", "https://"))


def parse(text: str) -> CloudId:
    """``user@CODE``, ``CODE`` or a ``csc:`` link; UsageError if it is none of them."""
    link = text.startswith("csc:")
    rest = text[4:] if link else text
    user, password = "", None
    if "@" in rest:
        userinfo, code = rest.rsplit("@", 1)
        if link and ":" in userinfo:
            userinfo, raw_password = userinfo.split(":", 1)
            password = urllib.parse.unquote(raw_password)
        user = urllib.parse.unquote(userinfo)
    else:
        code = rest
    if not _CODE.fullmatch(code):
        raise UsageError(f"{'csc: link' if link else 'cloud ID'}: {code!r} is not a code "
                         "(letters and digits, optionally ending in '*')")
    return CloudId(code, user, password)
