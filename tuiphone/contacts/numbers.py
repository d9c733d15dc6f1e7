"""Phone number and SIP URI normalisation for caller ID.

Numbers go to E.164 with ``phonenumbers`` once, at index time. We accept
IS_POSSIBLE (length fits) rather than ``is_valid_number``, which rejects ranges
its metadata does not know yet; IS_POSSIBLE_LOCAL_ONLY is refused because it
turns ``555-0123`` into a bogus ``+15550123``.
"""

from __future__ import annotations

import functools
import re
import urllib.parse

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberFormat, ValidationResult

SUFFIX_DIGITS = 9
_DIALABLE = re.compile(r"^[\d\s()./+*#-]*\d[\d\s()./+*#-]*(?:(?:ext\.?|x|;ext=)\s*\d+)?$", re.I)
_NON_DIGIT = re.compile(r"\D")
_ANGLE = re.compile(r"<([^>]*)>")


def _parse(text: str, region: str) -> str | None:
    try:
        num = phonenumbers.parse(text, region)
    except NumberParseException:
        return None
    reason = phonenumbers.is_possible_number_with_reason(num)
    if reason != ValidationResult.IS_POSSIBLE:
        return None
    return phonenumbers.format_number(num, PhoneNumberFormat.E164)


@functools.lru_cache(maxsize=65536)
def to_e164(text: str, region: str) -> str | None:
    """E.164 form of a dialled/stored number, or None. ``00…`` is retried as ``+…``
    because PBXs send it even where the international prefix is different."""
    text = text.strip()
    if text[:4].lower() == "tel:":
        text = text[4:]
    if not text or not _DIALABLE.match(text):
        return None
    e164 = _parse(text, region)
    if e164 is None and text.startswith("00"):
        e164 = _parse("+" + text[2:], region)
    return e164


def only_digits(text: str) -> str:
    """The digits of a dial string ('' if none); parameters after ';' dropped."""
    text = text.strip()
    if text[:4].lower() == "tel:":
        text = text[4:]
    return _NON_DIGIT.sub("", text.split(";", 1)[0]) if _DIALABLE.match(text) else ""


def digit_suffix(text: str, length: int = SUFFIX_DIGITS) -> str | None:
    """The last ``length`` digits, if the number has at least that many."""
    digits = _NON_DIGIT.sub("", text.split(";", 1)[0])
    return digits[-length:] if len(digits) >= length else None


def sip_key(uri: str) -> tuple[str, str] | None:
    """``(user, host)`` of a SIP URI (or ``"Name" <sip:…>`` header), host lower case,
    user percent-decoded; None when it is not a SIP URI with a user part."""
    match = _ANGLE.search(uri)
    text = (match.group(1) if match else uri).strip()
    scheme, colon, rest = text.partition(":")
    if not colon or scheme.lower() not in ("sip", "sips"):
        return None
    rest = rest.split(";", 1)[0].split("?", 1)[0]
    user, at, host = rest.rpartition("@")
    if not at or not user or not host:
        return None
    user = urllib.parse.unquote(user.split(":", 1)[0])
    host = host.split("]", 1)[0] + "]" if host.startswith("[") else host.split(":", 1)[0]
    return user, host.lower()
