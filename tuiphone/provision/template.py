"""Filling ``%placeholder%`` templates (Acrobits web-service style) and redacting URLs.

``%username%``, ``%password%``, ``%fullcode%`` (the cloud ID) and ``%installid%`` (a
random id of this installation, see ``installid``) in initial provisioning;
``%account[NODE]%`` for any node of the last provisioned account in re-provisioning.
Values are URL-encoded in URLs and form bodies, JSON-escaped in JSON bodies; unknown
placeholders are left as they are.
"""

from __future__ import annotations

import json
import re
import urllib.parse
from collections.abc import Callable, Mapping

from tuiphone.config.redact import REDACTED

_PLACEHOLDER = re.compile(r"%(account\[[A-Za-z0-9_.-]+\]|[A-Za-z_]+)%")
SECRET_NAMES = ("password", "account[password]", "account[cloud_password]")


def _url_quote(value: str) -> str:
    return urllib.parse.quote(value, safe="")


def _json_quote(value: str) -> str:
    return json.dumps(value)[1:-1]


def fill(template: str, values: Mapping[str, str], json_body: bool = False) -> str:
    """``template`` with every known placeholder replaced by its encoded value."""
    quote: Callable[[str], str] = _json_quote if json_body else _url_quote

    def one(match: re.Match[str]) -> str:
        value = values.get(match.group(1))
        return match.group(0) if value is None else quote(value)

    return _PLACEHOLDER.sub(one, template)


def is_secret(name: str) -> bool:
    return name in SECRET_NAMES or "pass" in name.lower()


def redact_filled(template: str, values: Mapping[str, str]) -> str:
    """``template`` filled with every secret placeholder shown as ``[redacted]``, and
    any ``user:password@`` in the URL removed: what logs and status may show."""
    shown = {k: v for k, v in values.items() if not is_secret(k)}
    text = fill(template, shown)
    text = _PLACEHOLDER.sub(lambda m: REDACTED if is_secret(m.group(1)) else m.group(0), text)
    return redact_url(text)


def redact_url(url: str) -> str:
    """A URL without a password in its userinfo or its query's password-like values."""
    parts = urllib.parse.urlsplit(url)
    netloc = parts.netloc
    if "@" in netloc:
        userinfo, host = netloc.rsplit("@", 1)
        netloc = f"{userinfo.split(':', 1)[0]}:{REDACTED}@{host}" if ":" in userinfo else \
            netloc
    query = "&".join(
        f"{k}={REDACTED}" if _secret_pair(k, v) else (f"{k}={v}" if sep else k)
        for k, sep, v in (item.partition("=") for item in parts.query.split("&") if item))
    return urllib.parse.urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


def _secret_pair(key: str, value: str) -> bool:
    """A query pair whose value is a password, unless the value is a whole placeholder."""
    named = "pass" in key.lower() or key.lower() in ("p", "pw", "pwd", "token")
    return named and not _PLACEHOLDER.fullmatch(value) and value != REDACTED
