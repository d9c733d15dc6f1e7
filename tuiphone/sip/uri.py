"""URI checks done before anything is sent (a bad URI must never reach the wire)."""

from __future__ import annotations

import re

import pjsua2 as pj

from tuiphone.model.errors import InvalidUri
from tuiphone.sip.callinfo import split_name_addr

_SHAPE = re.compile(
    r"^sips?:(?:[^@\s<>\"]+@)?[A-Za-z0-9.\-\[\]:]+(?::\d{1,5})?(?:;[^\s<>\"]*)?$", re.I
)


def looks_like_sip_uri(uri: str) -> bool:
    """Our own cheap check: ``sip:``/``sips:``, an optional user, a host, params; no spaces."""
    return bool(_SHAPE.match(uri)) and len(uri) <= 1024


def check_uri(ep: pj.Endpoint, uri: str) -> None:
    """Raise InvalidUri unless both our check and pjsip's parser accept ``uri``
    (a bare URI or a name-addr such as ``"Alice" <sip:alice@host>``). pjsip thread."""
    if not isinstance(uri, str):
        raise InvalidUri(f"not a SIP URI: {uri!r}")
    inner = split_name_addr(uri)[1] if "<" in uri else uri.strip()
    if not looks_like_sip_uri(inner):
        raise InvalidUri(f"not a SIP URI: {uri!r} (expected sip:user@host[:port])")
    status = int(ep.utilVerifySipUri(uri.strip()))
    if status != 0:
        raise InvalidUri(f"not a SIP URI: {uri!r} ({ep.utilStrError(status)})")
